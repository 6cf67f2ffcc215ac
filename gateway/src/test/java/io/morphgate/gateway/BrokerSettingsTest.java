package io.morphgate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerSettingsTest {

    @TempDir
    Path tmp;

    @Test
    void defaultsToAnEmbeddedBrokerOnLoopback1883() throws Exception {
        BrokerSettings s = BrokerSettings.load(tmp.resolve("absent.properties"), null, null, "gw-1");
        assertEquals(BrokerSettings.Mode.EMBEDDED, s.mode());
        assertEquals("127.0.0.1", s.host());
        assertEquals(1883, s.port());
        assertEquals("gw-1", s.gatewayId());
    }

    @Test
    void theCommandLineOverridesTheFile() throws Exception {
        Path file = Files.writeString(tmp.resolve("broker.properties"), "broker.port=1999\ngateway.id=from-file\n");
        BrokerSettings s = BrokerSettings.load(file, 2883, null, null);
        assertEquals(2883, s.port());
        assertEquals("from-file", s.gatewayId());
        BrokerSettings external = BrokerSettings.load(file, null, "ssl://broker.example:8883", "gw-2");
        assertEquals(BrokerSettings.Mode.EXTERNAL, external.mode());
        assertEquals("ssl://broker.example:8883", external.externalUrl());
        assertEquals("gw-2", external.gatewayId());
    }

    @Test
    void externalNeedsAUrl() throws Exception {
        Path file = Files.writeString(tmp.resolve("broker.properties"), "broker.mode=external\n");
        assertThrows(IllegalArgumentException.class, () -> BrokerSettings.load(file, null, null, "gw"));
    }

    @Test
    void aGatewayIdIsOneTopicLevel() {
        assertThrows(IllegalArgumentException.class, () -> GatewayId.resolve("a/b"));
        assertThrows(IllegalArgumentException.class, () -> GatewayId.resolve("gw+"));
        assertEquals("gw-1", GatewayId.resolve(" gw-1 "));
    }
}
