package io.morphgate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded broker with a real Paho client: retained messages, and a persistent session across a restart. */
class EmbeddedBrokerTest {

    private static final String STATE = "morphgate/v1/gw-test/state";
    private static final String CMD = "morphgate/v1/gw-test/cmd/status";

    @TempDir
    Path dataDir;

    @Test
    void aRetainedMessageReachesALaterSubscriber() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(settings(0), dataDir)) {
            assertTrue(broker.port() > 0);
            MqttClient publisher = connect(broker.url(), "gw-test", true, null);
            publisher.publish(STATE, "{\"online\":true}".getBytes(StandardCharsets.UTF_8), 1, true);
            publisher.disconnect();

            BlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
            MqttClient cloud = connect(broker.url(), "cloud-test", true, received);
            cloud.subscribe(STATE, 1);
            MqttMessage state = received.poll(5, TimeUnit.SECONDS);
            assertNotNull(state, "retained state not delivered");
            assertEquals("{\"online\":true}", new String(state.getPayload(), StandardCharsets.UTF_8));
            assertTrue(state.isRetained(), "a stored retained message carries RETAIN=1 (MQTT-3.3.1-8)");
            cloud.disconnect();
        }
    }

    @Test
    void aBrokerStartedInTheBackgroundHasItsUrlAtOnceAndServesOnceStarted() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.startInBackground(settings(0), dataDir)) {
            assertEquals("tcp://127.0.0.1:" + broker.port(), broker.url(), "the URL is known before it listens");
            broker.awaitStarted();
            MqttClient client = connect(broker.url(), "gw-test", true, null);
            assertTrue(client.isConnected());
            client.disconnect();
            broker.awaitStarted(); // idempotent
        }
    }

    @Test
    void aBrokerClosedWhileStartingReleasesItsPort() throws Exception {
        EmbeddedBroker broker = EmbeddedBroker.startInBackground(settings(0), dataDir);
        broker.close();
        assertThrows(IOException.class, broker::awaitStarted);
        try (ServerSocket again = new ServerSocket(broker.port(), 1, InetAddress.getLoopbackAddress())) {
            assertEquals(broker.port(), again.getLocalPort());
        }
    }

    @Test
    void aPersistentSessionGetsItsQueuedMessageAfterARestart() throws Exception {
        int port;
        try (EmbeddedBroker broker = EmbeddedBroker.start(settings(0), dataDir)) {
            port = broker.port();
            MqttClient gateway = connect(broker.url(), "gw-test", false, null);
            gateway.subscribe(CMD, 1);
            gateway.disconnect();
            gateway.close();
            MqttClient cloud = connect(broker.url(), "cloud-test", true, null);
            cloud.publish(CMD, "{\"requestId\":\"r-1\"}".getBytes(StandardCharsets.UTF_8), 1, false);
            cloud.disconnect();
        }
        try (EmbeddedBroker broker = EmbeddedBroker.start(settings(port), dataDir)) {
            BlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
            MqttClient gateway = connect(broker.url(), "gw-test", false, received);
            MqttMessage queued = received.poll(10, TimeUnit.SECONDS);
            assertNotNull(queued, "queued QoS 1 command lost across the broker restart");
            assertEquals("{\"requestId\":\"r-1\"}", new String(queued.getPayload(), StandardCharsets.UTF_8));
            gateway.disconnect();
        }
    }

    /**
     * A stop with a client still connected: HiveMQ closes the connection (the client learns it at once), the stop ends
     * the 2 s quiet period of HiveMQ's Netty event loops ({@link NettyQuickStop} still finds HiveMQ's internals: this
     * fails after an upgrade that moved them), and what the broker stored is there after a restart (its persistence
     * was closed, not cut short).
     */
    @Test
    void aStopClosesConnectionsEndsNettysQuietPeriodAndKeepsWhatWasStored() throws Exception {
        EmbeddedBroker first = EmbeddedBroker.start(settings(0), dataDir);
        int port = first.port();
        MqttClient stillConnected = connect(first.url(), "gw-test", true, null);
        stillConnected.publish(STATE, "{\"online\":true}".getBytes(StandardCharsets.UTF_8), 1, true);
        assertFalse(first.stoppedWithoutQuietPeriod(), "not stopped yet");
        first.close();
        assertTrue(first.stoppedWithoutQuietPeriod(), "Netty's quiet period was waited out");
        assertFalse(stillConnected.isConnected(), "the broker's stop left a client connected");
        stillConnected.close();

        try (EmbeddedBroker second = EmbeddedBroker.start(settings(port), dataDir)) {
            BlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
            MqttClient cloud = connect(second.url(), "cloud-test", true, received);
            cloud.subscribe(STATE, 1);
            MqttMessage state = received.poll(10, TimeUnit.SECONDS);
            assertNotNull(state, "the retained message stored before the stop is lost");
            assertEquals("{\"online\":true}", new String(state.getPayload(), StandardCharsets.UTF_8));
            cloud.disconnect();
        }
    }

    /**
     * A QoS 1 PUBLISH that arrives with DUP set although the broker never saw it (the first attempt was lost with the
     * connection, or the broker restarted in between): Paho resends its in-flight publishes with DUP after a
     * reconnect. The broker must treat it as a new message: acknowledge it, deliver it, keep the connection.
     */
    @Test
    void aDuplicatePublishNeverSeenBeforeIsAcknowledgedAndDelivered() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(settings(0), dataDir)) {
            BlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
            MqttClient gateway = connect(broker.url(), "gw-test", false, received);
            gateway.subscribe(CMD, 1);

            try (RawMqttClient cloud = new RawMqttClient("127.0.0.1", broker.port(), Duration.ofSeconds(5))) {
                cloud.connect("cloud-test", false);
                RawMqttClient.Packet connack = cloud.read();
                assertNotNull(connack, "no CONNACK");
                assertEquals(RawMqttClient.CONNACK, connack.type());
                assertEquals(0, connack.body()[1], "CONNACK return code");

                cloud.publishQos1(CMD, 17, bytes("{\"requestId\":\"dup-1\"}"), true);
                RawMqttClient.Packet ack = cloud.read();
                assertNotNull(ack, "no PUBACK for the DUP publish: the broker closed the connection or stayed silent");
                assertEquals(RawMqttClient.PUBACK, ack.type());
                assertEquals(17, ack.packetId());
                MqttMessage first = received.poll(5, TimeUnit.SECONDS);
                assertNotNull(first, "the DUP publish was not delivered to the subscriber");
                assertEquals("{\"requestId\":\"dup-1\"}", new String(first.getPayload(), StandardCharsets.UTF_8));

                // the same connection goes on working
                cloud.publishQos1(CMD, 18, bytes("{\"requestId\":\"after-1\"}"), false);
                RawMqttClient.Packet ack2 = cloud.read();
                assertNotNull(ack2, "no PUBACK for the publish after the DUP one");
                assertEquals(RawMqttClient.PUBACK, ack2.type());
                assertEquals(18, ack2.packetId());
                MqttMessage second = received.poll(5, TimeUnit.SECONDS);
                assertNotNull(second, "the publish after the DUP one was not delivered");
                assertEquals("{\"requestId\":\"after-1\"}", new String(second.getPayload(), StandardCharsets.UTF_8));
            }
            assertTrue(gateway.isConnected());
            gateway.disconnect();
        }
    }

    @Test
    void aBusyPortIsAnError() throws Exception {
        try (EmbeddedBroker first = EmbeddedBroker.start(settings(0), dataDir.resolve("a"))) {
            assertThrows(Exception.class, () -> EmbeddedBroker.start(settings(first.port()), dataDir.resolve("b")).close());
        }
    }

    @Test
    void theEmbeddedBrokerListensOnLoopbackOnly() {
        assertThrows(IllegalArgumentException.class, () -> new BrokerSettings(BrokerSettings.Mode.EMBEDDED,
                "0.0.0.0", 1883, 65536, "", "gw"));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static BrokerSettings settings(int port) {
        return new BrokerSettings(BrokerSettings.Mode.EMBEDDED, "127.0.0.1", port, 65536, "", "gw-test");
    }

    private static MqttClient connect(String url, String clientId, boolean cleanSession, BlockingQueue<MqttMessage> sink)
            throws MqttException {
        MqttClient client = new MqttClient(url, clientId, new MemoryPersistence());
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
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(cleanSession);
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        client.connect(options);
        return client;
    }
}
