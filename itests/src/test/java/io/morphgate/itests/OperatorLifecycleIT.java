package io.morphgate.itests;

import static org.junit.Assert.assertTrue;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import io.morphgate.api.inference.InferenceService;
import io.morphgate.api.model.ModelControl;

/**
 * Each operator bundle can be stopped, started, updated, uninstalled and installed again while the gateway serves:
 * the backbone re-plans every time, and not one request fails.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class OperatorLifecycleIT extends TestSupport {

    @Configuration
    public Option[] configuration() {
        return gatewayOptions(OperatorFeatures.ALL);
    }

    @Test
    public void everyOperatorBundleGoesThroughItsLifecycleUnderLoad() throws Exception {
        ModelControl control = service(ModelControl.class, 10_000);
        InferenceService inference = service(InferenceService.class, 10_000);
        InferenceLoad load = new InferenceLoad(inference, 2);
        try {
            for (String name : OperatorFeatures.OPERATOR_BUNDLES) {
                Bundle operator = bundle(name);
                await(name + " to settle", 60_000, () -> OperatorFeatures.settled(control, operator));
                long offered = accepted(control, operator);

                operator.stop();
                awaitReplanned(control, operator, 0, "stop");
                operator.start();
                awaitReplanned(control, operator, offered, "start");
                operator.update();
                awaitReplanned(control, operator, offered, "update");

                String location = operator.getLocation();
                operator.uninstall();
                awaitReplanned(control, operator, 0, "uninstall");
                Bundle again = context.installBundle(location);
                again.start();
                awaitReplanned(control, again, offered, "install again");
            }
        } finally {
            load.close();
        }
        assertTrue("requests failed while operator bundles came and went: " + load.failures(),
                load.failures().isEmpty());
        assertTrue("too few requests to mean anything: " + load.answered(), load.answered() > 100);
    }

    private void awaitReplanned(ModelControl control, Bundle operator, long expected, String step) {
        await(operator.getSymbolicName() + " to settle after " + step, 60_000, () -> expected == 0
                ? operator.getState() != Bundle.ACTIVE : OperatorFeatures.settled(control, operator));
        await(operator.getSymbolicName() + " after " + step + ": " + expected + " accepted variants and a serving "
                + "configuration that uses only bound variants", 30_000, () -> accepted(control, operator) == expected
                        && control.status().configuration().variantBySlot().values().stream()
                                .allMatch(id -> control.status().variants().stream()
                                        .anyMatch(v -> v.descriptor().id().equals(id) && v.accepted())));
    }

    private static long accepted(ModelControl control, Bundle operator) {
        return control.status().variants().stream()
                .filter(v -> v.bundleId() == operator.getBundleId() && v.accepted()).count();
    }
}
