package io.morphgate.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ConfigurationFileTest {

    @Test
    void theShippedDefaultsHaveTheirTypes() throws Exception {
        Map<String, Dictionary<String, Object>> configs;
        try (Reader in = new InputStreamReader(
                ConfigurationFileTest.class.getClassLoader().getResourceAsStream("conf/configuration.json"), StandardCharsets.UTF_8)) {
            configs = ConfigurationFile.read(in, "conf/configuration.json");
        }
        assertEquals(List.of("morphgate.backbone", "morphgate.operator.lowrank", "morphgate.control.mqtt",
                "morphgate.serving", "morphgate.inference.http", "morphgate.inference.mqtt", "morphgate.status.page"),
                List.copyOf(configs.keySet()));

        Dictionary<String, Object> backbone = configs.get("morphgate.backbone");
        assertArrayEquals(new String[0], (String[]) backbone.get("pins"));
        assertEquals(3, backbone.get("warmupRuns"));
        assertEquals(20, backbone.get("recentSwapsKept"));

        Dictionary<String, Object> lowrank = configs.get("morphgate.operator.lowrank");
        assertArrayEquals(new double[] {0.5, 0.25}, (double[]) lowrank.get("betas"));
        assertEquals(3, lowrank.get("kernelSize"));
        assertEquals(42L, lowrank.get("seed"));
        assertEquals("{betas=[0.5, 0.25], kernelSize=3, seed=42}", ConfigurationApplier.describe(lowrank));

        Dictionary<String, Object> serving = configs.get("morphgate.serving");
        assertEquals(16, serving.get("maxBatchSize"));
        assertEquals(2000L, serving.get("maxBatchDelayMicros"));
        assertEquals(16_777_216L, serving.get("maxImagePixels"));
    }

    @Test
    void configuratorPropertiesAreNotPids() throws Exception {
        Map<String, Dictionary<String, Object>> configs = ConfigurationFile.read(new StringReader("""
                { ":configurator:resource-version": 1, ":configurator:symbolic-name": "t", ":configurator:version": "1",
                  "a.pid": { "x": "y" }, "f.pid~one": { "n:Integer": 1 } }
                """), "inline");
        assertEquals(List.of("a.pid", "f.pid~one"), List.copyOf(configs.keySet()));
        assertEquals(1, configs.get("f.pid~one").get("n"));
    }

    @Test
    void aWrongTypeFailsTheWholeFile() {
        IOException e = assertThrows(IOException.class, () -> ConfigurationFile.read(new StringReader("""
                { ":configurator:resource-version": 1, "a.pid": { "n:Integer": "three" } }
                """), "inline"));
        assertTrue(e.getMessage().contains("inline"), e.getMessage());
    }
}
