package io.morphgate.evaluation.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.morphgate.api.model.Configuration;

class ConfigurationSpecTest {

    @Test
    void defaultAndEmptyMeanTheDefaultLayers() {
        assertEquals(Configuration.DEFAULT, ConfigurationSpec.parse("default"));
        assertEquals(Configuration.DEFAULT, ConfigurationSpec.parse("  "));
    }

    @Test
    void pairsBecomeASlotToVariantMapAndDefaultEntriesAreDropped() {
        assertEquals(new Configuration(Map.of("conv1", "lowrank-conv1-b0.5", "conv3", "fire-conv3-s0.25")),
                ConfigurationSpec.parse("conv1=lowrank-conv1-b0.5, conv3=fire-conv3-s0.25,conv2=default"));
    }

    @Test
    void malformedPairsAndRepeatedSlotsAreRefusedWithAnExample() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigurationSpec.parse("conv1:lowrank"));
        assertTrue(e.getMessage().contains("slot=variant"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConfigurationSpec.parse("conv1=a,conv1=b"));
        assertTrue(e.getMessage().contains("twice"), e.getMessage());
    }
}
