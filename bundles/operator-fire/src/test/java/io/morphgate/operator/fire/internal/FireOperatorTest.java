package io.morphgate.operator.fire.internal;

import io.morphgate.operator.kit.testing.FakeOperatorFramework;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class FireOperatorTest {

    @Test
    void offersBothSqueezeRatiosOnTheTwoDownsamplingSlotsOnly() {
        FakeOperatorFramework framework = new FakeOperatorFramework();
        FireOperator operator = new FireOperator(framework.context(), FakeOperatorFramework.catalog(true),
                FakeOperatorFramework.configuration(FireConfiguration.class, Map.of()));
        // conv2 and conv4 keep 14x14 and 7x7: fire's closing pool would halve them
        assertEquals(List.of("fire-conv1-s0.125", "fire-conv1-s0.25", "fire-conv3-s0.125", "fire-conv3-s0.25"),
                framework.ids());
        operator.deactivate();
        assertEquals(framework.ids(), framework.unregistered);
    }
}
