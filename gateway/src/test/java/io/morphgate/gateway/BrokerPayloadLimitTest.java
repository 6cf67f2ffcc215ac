package io.morphgate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control link refuses a command over its {@code maxPayloadBytes} with PAYLOAD_TOO_LARGE; it can only do so if
 * the broker lets such a command through. With the shipped defaults (conf/broker.properties and
 * conf/configuration.json), the embedded broker must deliver a command one byte over the control link's limit.
 */
class BrokerPayloadLimitTest {

    private static final String CMD = "morphgate/v1/gw-test/cmd/status";

    @TempDir
    Path dataDir;

    @Test
    void aCommandOverTheControlLinksLimitStillReachesTheGateway() throws Exception {
        Path properties = dataDir.resolve("broker.properties");
        try (InputStream in = resource("conf/broker.properties")) {
            Files.copy(in, properties);
        }
        BrokerSettings settings = BrokerSettings.load(properties, 0, null, "gw-test");
        int maxPayloadBytes = controlMaxPayloadBytes();
        assertTrue(settings.maxMessageBytes() > maxPayloadBytes, "broker.maxMessageBytes "
                + settings.maxMessageBytes() + " must exceed the control link's maxPayloadBytes " + maxPayloadBytes);

        try (EmbeddedBroker broker = EmbeddedBroker.start(settings, dataDir.resolve("broker"))) {
            BlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
            MqttClient gateway = connect(broker.url(), "gw-test", received);
            gateway.subscribe("morphgate/v1/gw-test/cmd/+", 1);
            MqttClient cloud = connect(broker.url(), "cloud-test", null);
            byte[] command = command(maxPayloadBytes + 1);
            cloud.publish(CMD, command, 1, false);
            MqttMessage delivered = received.poll(10, TimeUnit.SECONDS);
            assertNotNull(delivered, "the broker dropped a command of " + command.length + " bytes: the gateway "
                    + "cannot answer it PAYLOAD_TOO_LARGE");
            assertEquals(command.length, delivered.getPayload().length);
            cloud.disconnect();
            gateway.disconnect();
        }
    }

    private static int controlMaxPayloadBytes() throws Exception {
        Map<String, Dictionary<String, Object>> configs;
        try (Reader in = new InputStreamReader(resource("conf/configuration.json"), StandardCharsets.UTF_8)) {
            configs = ConfigurationFile.read(in, "conf/configuration.json");
        }
        return (Integer) configs.get("morphgate.control.mqtt").get("maxPayloadBytes");
    }

    /** A status command padded to exactly {@code size} bytes. */
    private static byte[] command(int size) {
        String head = "{\"requestId\":\"big-1\",\"pad\":\"";
        String tail = "\"}";
        return (head + "x".repeat(size - head.length() - tail.length()) + tail).getBytes(StandardCharsets.UTF_8);
    }

    private static InputStream resource(String name) {
        InputStream in = BrokerPayloadLimitTest.class.getClassLoader().getResourceAsStream(name);
        assertNotNull(in, name + " not on the test class path (morphgate-gateway-config)");
        return in;
    }

    private static MqttClient connect(String url, String clientId, BlockingQueue<MqttMessage> sink) throws Exception {
        MqttClient client = new MqttClient(url, clientId, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(true);
        options.setConnectionTimeout(10);
        if (sink != null) {
            client.setCallback(new MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                }

                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    sink.add(message);
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                }
            });
        }
        client.connect(options);
        return client;
    }
}
