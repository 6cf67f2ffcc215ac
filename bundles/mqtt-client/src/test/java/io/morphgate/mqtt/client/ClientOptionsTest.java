package io.morphgate.mqtt.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import javax.net.ssl.SSLSocketFactory;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every link gets from the shared setup: credentials from the password file, and its sockets. */
class ClientOptionsTest {

    @TempDir
    Path dir;

    private BrokerSettings settings(String url, String passwordFile, String caFile) {
        return BrokerSettings.of(url, "gw-1", "device", passwordFile, caFile, 20, name -> null);
    }

    @Test
    void thePasswordIsTheFirstLineOfItsFileAndAMissingFileIsNamed() throws Exception {
        Path file = Files.writeString(dir.resolve("password"), "s3cret\nignored\n");
        MqttConnectOptions options = ClientOptions.of(settings("tcp://127.0.0.1:1883", file.toString(), ""));
        assertEquals("device", options.getUserName());
        assertArrayEquals("s3cret".toCharArray(), options.getPassword());
        assertEquals(20, options.getKeepAliveInterval());
        assertEquals(MqttConnectOptions.MQTT_VERSION_3_1_1, options.getMqttVersion());
        assertTrue(options.isAutomaticReconnect());
        IOException missing = assertThrows(IOException.class,
                () -> ClientOptions.of(settings("tcp://127.0.0.1:1883", dir.resolve("none").toString(), "")));
        assertTrue(missing.getMessage().contains(dir.resolve("none").toString()), missing.getMessage());
    }

    @Test
    void plainSocketsHaveNagleOff() throws Exception {
        MqttConnectOptions options = ClientOptions.of(settings("tcp://127.0.0.1:1883", "", ""));
        assertFalse(options.getSocketFactory() instanceof SSLSocketFactory);
        try (Socket socket = options.getSocketFactory().createSocket()) {
            assertTrue(socket.getTcpNoDelay());
        }
    }

    @Test
    void tlsTrustsExactlyTheCaFileAndHasNagleOff() throws Exception {
        Path password = Files.writeString(dir.resolve("password"), "s3cret\n");
        try (TlsTestBroker broker = new TlsTestBroker(dir, "broker");
                TlsTestBroker stranger = new TlsTestBroker(dir, "stranger")) {
            int port = broker.listen(0);
            String url = "ssl://localhost:" + port;
            MqttConnectOptions trusting = ClientOptions.of(settings(url, password.toString(),
                    broker.caFile().toString()));
            SSLSocketFactory factory = assertInstanceOf(SSLSocketFactory.class, trusting.getSocketFactory());
            try (Socket socket = factory.createSocket("localhost", port)) {
                assertTrue(socket.getTcpNoDelay());
            }
            broker.awaitConnect(1); // that socket sent no CONNECT
            try (MqttClient client = new MqttClient(url, "trusting", new MemoryPersistence())) {
                client.connect(trusting);
                TlsTestBroker.Connect connect = broker.awaitConnect(10).orElseThrow();
                assertEquals("trusting", connect.clientId());
                assertEquals(Optional.of("device"), connect.username());
                assertEquals(Optional.of("s3cret"), connect.password());
                client.disconnectForcibly(100, 100);
            }
            MqttConnectOptions distrusting = ClientOptions.of(settings(url, "", stranger.caFile().toString()));
            try (MqttClient client = new MqttClient(url, "distrusting", new MemoryPersistence())) {
                assertThrows(MqttException.class, () -> client.connect(distrusting));
            }
            assertEquals(Optional.empty(), broker.awaitConnect(1), "nothing was sent to a broker not trusted");
        }
    }

    @Test
    void aCaFileWithoutACertificateIsRefusedNamingIt() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        IOException e = assertThrows(IOException.class,
                () -> ClientOptions.of(settings("ssl://localhost:8883", "", empty.toString())));
        assertTrue(e.getMessage().contains(empty.toString()), e.getMessage());
    }
}
