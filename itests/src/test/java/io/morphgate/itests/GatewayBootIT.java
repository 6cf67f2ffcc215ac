package io.morphgate.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.List;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

import io.morphgate.api.inference.InferenceResult;
import io.morphgate.api.inference.InferenceService;
import io.morphgate.api.model.ModelControl;
import io.morphgate.api.model.ModelStatus;

/**
 * The core gateway boots from feature morphgate-core: every bundle is ACTIVE, SCR runs and the backbone serves.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class GatewayBootIT extends TestSupport {

    @Configuration
    public Option[] configuration() {
        return gatewayOptions("morphgate-core");
    }

    @Test
    public void everyProvisionedBundleIsActive() {
        List<Bundle> bundles = provisionedBundles();
        assertFalse("nothing provisioned", bundles.isEmpty());
        for (Bundle b : bundles) {
            boolean fragment = (b.adapt(BundleRevision.class).getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
            int expected = fragment ? Bundle.RESOLVED : Bundle.ACTIVE;
            assertEquals(b.getSymbolicName() + " " + b.getVersion() + " state", state(expected), state(b.getState()));
        }
    }

    @Test
    public void backboneServesTheDefaultConfiguration() {
        ModelControl control = service(ModelControl.class, 10_000);
        await("the backbone to serve", 10_000, () -> control.status().state() == ModelStatus.State.SERVING);
        InferenceService inference = service(InferenceService.class, 1_000);
        InferenceResult result = inference.infer(new float[inference.inputShape().elementCount()]);
        assertEquals("default", result.configurationId());
        assertEquals(inference.labels().size(), result.probabilities().length);
        assertEquals(4, control.status().slots().size());
    }

    @Test
    public void backboneStaysActiveWithoutConsumers() {
        ServiceComponentRuntime scr = service(ServiceComponentRuntime.class, 5_000);
        ComponentDescriptionDTO backbone = scr.getComponentDescriptionDTOs(bundle("io.morphgate.backbone")).stream()
                .filter(d -> d.implementationClass.endsWith(".Backbone")).findFirst()
                .orElseThrow(() -> new AssertionError("no Backbone component"));
        assertTrue("the backbone must serve even when no bundle holds its services", backbone.immediate);
        await("the backbone component to be active", 10_000, () -> scr.getComponentConfigurationDTOs(backbone).stream()
                .anyMatch(c -> c.state == ComponentConfigurationDTO.ACTIVE));
    }

    @Test
    public void apiAndScrAreThere() {
        assertEquals(Bundle.ACTIVE, bundle("io.morphgate.api").getState());
        assertEquals(Bundle.ACTIVE, bundle("org.apache.felix.scr").getState());
        ServiceComponentRuntime scr = service(ServiceComponentRuntime.class, 5_000);
        assertTrue("SCR reports no bundles it could read", scr.getComponentDescriptionDTOs() != null);
    }

    private static String state(int state) {
        return switch (state) {
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            default -> "state " + state;
        };
    }
}
