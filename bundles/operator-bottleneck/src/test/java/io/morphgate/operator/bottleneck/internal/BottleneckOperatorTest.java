package io.morphgate.operator.bottleneck.internal;

import io.morphgate.operator.kit.testing.FakeOperatorFramework;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.morphgate.api.variant.OperatorVariant;
import io.morphgate.api.variant.Provenance;

class BottleneckOperatorTest {

    private static final List<String> SYNTHETIC = Stream.of("conv1", "conv2", "conv3", "conv4")
            .flatMap(slot -> Stream.of("bottleneck-" + slot + "-b0.5", "bottleneck-" + slot + "-b0.25")).toList();

    @Test
    void offersASyntheticAndADerivedVariantPerSlotAndSettingAndWithdrawsThemOnDeactivate() throws Exception {
        FakeOperatorFramework framework = new FakeOperatorFramework();
        BottleneckOperator operator = new BottleneckOperator(framework.context(), FakeOperatorFramework.catalog(true),
                FakeOperatorFramework.configuration(BottleneckConfiguration.class, Map.of()));
        List<String> derived = SYNTHETIC.stream().map(id -> id + "-derived").toList();
        assertEquals(Stream.concat(SYNTHETIC.stream(), derived.stream()).toList(),
                framework.awaitIds(SYNTHETIC.size() + derived.size()));
        for (OperatorVariant v : framework.registered) {
            boolean isDerived = v.descriptor().id().endsWith("-derived");
            assertEquals(isDerived ? Provenance.DERIVED : Provenance.SYNTHETIC, v.descriptor().provenance());
            assertTrue(v.descriptor().macs() > 0 && v.descriptor().params() > 0, v.toString());
        }
        operator.deactivate();
        assertEquals(framework.ids(), framework.unregistered);
    }

    @Test
    void derivedVariantsCanBeTurnedOff() {
        FakeOperatorFramework framework = new FakeOperatorFramework();
        new BottleneckOperator(framework.context(), FakeOperatorFramework.catalog(true),
                FakeOperatorFramework.configuration(BottleneckConfiguration.class, Map.of("derived", false)));
        assertEquals(SYNTHETIC, framework.ids());
    }

    @Test
    void withoutPublishedWeightsOnlySyntheticVariants() {
        FakeOperatorFramework framework = new FakeOperatorFramework();
        BottleneckOperator operator = new BottleneckOperator(framework.context(), FakeOperatorFramework.catalog(false),
                FakeOperatorFramework.configuration(BottleneckConfiguration.class, Map.of("betas", new double[] {0.5})));
        operator.deactivate(); // waits for the background derivation, so nothing arrives late
        assertEquals(4, framework.ids().size());
        assertTrue(framework.ids().stream().allMatch(id -> id.endsWith("-b0.5")), framework.ids().toString());
    }
}
