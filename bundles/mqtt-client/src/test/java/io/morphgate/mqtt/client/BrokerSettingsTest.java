package io.morphgate.mqtt.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class BrokerSettingsTest {

    private static final Map<String, String> LAUNCHER = Map.of("morphgate.broker.url", "ssl://broker:8883",
            "morphgate.gateway.id", "gw-7");

    @Test
    void theConfigurationWinsThenTheLauncherThenTheDefaults() {
        BrokerSettings configured = BrokerSettings.of("tcp://10.0.0.1:1883", "gw-1", " user ", "/run/pw", "", 15,
                LAUNCHER::get);
        assertEquals("tcp://10.0.0.1:1883", configured.brokerUrl());
        assertEquals("gw-1", configured.gatewayId());
        assertEquals(Optional.of("user"), configured.username());
        assertEquals(Optional.of(Path.of("/run/pw")), configured.passwordFile());
        assertEquals(Optional.empty(), configured.caCertificateFile());
        assertEquals("morphgate/v1/gw-1/", configured.namespace());

        BrokerSettings launcher = BrokerSettings.of("", " ", "", "", "/etc/ca.pem", 30, LAUNCHER::get);
        assertEquals("ssl://broker:8883", launcher.brokerUrl());
        assertEquals("gw-7", launcher.gatewayId());
        assertTrue(launcher.tls());
        assertEquals(Optional.of(Path.of("/etc/ca.pem")), launcher.caCertificateFile());

        BrokerSettings defaults = BrokerSettings.of(null, null, null, null, null, 30, name -> null);
        assertEquals("tcp://127.0.0.1:1883", defaults.brokerUrl());
        assertEquals("gateway-1", defaults.gatewayId());
        assertFalse(defaults.tls());
    }

    @Test
    void settingsThatCannotWorkAreRefusedSayingWhy() {
        IllegalArgumentException scheme = assertThrows(IllegalArgumentException.class,
                () -> BrokerSettings.of("http://broker", "gw", "", "", "", 30, name -> null));
        assertTrue(scheme.getMessage().contains("tcp://host:port or ssl://host:port"), scheme.getMessage());
        IllegalArgumentException id = assertThrows(IllegalArgumentException.class,
                () -> BrokerSettings.of("", "gw/1", "", "", "", 30, name -> null));
        assertTrue(id.getMessage().contains("topic level"), id.getMessage());
        IllegalArgumentException ca = assertThrows(IllegalArgumentException.class,
                () -> BrokerSettings.of("tcp://broker:1883", "gw", "", "", "/etc/ca.pem", 30, name -> null));
        assertTrue(ca.getMessage().contains("not ssl://"), ca.getMessage());
    }
}
