package io.morphgate.control.mqtt.internal.transport;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

import org.eclipse.paho.client.mqttv3.DisconnectedBufferOptions;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MqttDefaultFilePersistence;

import io.morphgate.mqtt.client.ClientOptions;
import io.morphgate.mqtt.client.Connector;

/**
 * The MQTT 3.1.1 connection to the broker (Eclipse Paho), and nothing else: a persistent session under the client id
 * = gateway id, QoS 1 subscription to {@code cmd/+}, the retained {@code state} with a last will saying offline,
 * reconnection with exponential backoff (Paho's automatic reconnect once connected, {@link Connector} for the first
 * connect; both capped at 60 s). Broker, credentials, TLS and sockets are set up as for every link
 * ({@link ClientOptions}). Commands are acknowledged to the broker only when the sink says their reply is
 * stored, so a command cut off by a crash is delivered again (and the reply store keeps it from running twice).
 */
public final class MqttLink implements Outbox, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(MqttLink.class.getName());
    static final String OFFLINE = "{\"status\":\"offline\"}";

    private final LinkSettings settings;
    private final CommandSink sink;
    private final Supplier<byte[]> onlineState;
    private final ScheduledExecutorService scheduler;
    private final MqttAsyncClient client;
    private final String commandPrefix;
    private volatile Connector connector;

    public MqttLink(LinkSettings settings, CommandSink sink, Supplier<byte[]> onlineState,
            ScheduledExecutorService scheduler) throws MqttException {
        this.settings = settings;
        this.sink = sink;
        this.onlineState = onlineState;
        this.scheduler = scheduler;
        this.commandPrefix = settings.namespace() + "cmd/";
        this.client = new MqttAsyncClient(settings.brokerUrl(), settings.gatewayId(),
                new MqttDefaultFilePersistence(settings.sessionDir().toString()));
        client.setManualAcks(true);
        DisconnectedBufferOptions buffer = new DisconnectedBufferOptions();
        buffer.setBufferEnabled(true);
        buffer.setBufferSize(1000);
        buffer.setDeleteOldestMessages(true);
        client.setBufferOpts(buffer);
        client.setCallback(new Callback());
    }

    /** Connects in the background; returns at once. */
    public void start() throws IOException {
        connector = new Connector(client, options(), scheduler, "control link");
        connector.start();
    }

    /** The options every link shares, and the control link's own: a persistent session and a last will. */
    private MqttConnectOptions options() throws IOException {
        MqttConnectOptions options = ClientOptions.of(settings.broker());
        options.setCleanSession(false);
        options.setMaxInflight(100);
        options.setWill(settings.namespace() + "state", OFFLINE.getBytes(UTF_8), 1, true);
        return options;
    }

    @Override
    public void publish(String subtopic, byte[] payload, boolean retained) {
        try {
            client.publish(settings.namespace() + subtopic, payload, 1, retained);
        } catch (MqttException e) {
            LOG.log(Level.WARNING, "cannot publish on {0} ({1} bytes): {2}", subtopic, payload.length, e);
        }
    }

    @Override
    public boolean connected() {
        return client.isConnected();
    }

    /** Says offline (retained; a clean disconnect sends no will), disconnects and closes. */
    @Override
    public void close() {
        Connector started = connector;
        if (started != null) {
            started.close();
        }
        try {
            if (client.isConnected()) {
                client.publish(settings.namespace() + "state", OFFLINE.getBytes(UTF_8),
                        1, true).waitForCompletion(2_000);
                client.disconnect(2_000).waitForCompletion(3_000);
            }
        } catch (MqttException e) {
            LOG.log(Level.WARNING, "unclean disconnect from {0}: {1}", settings.brokerUrl(), e);
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            LOG.log(Level.WARNING, "cannot close the MQTT client: {0}", e);
        }
    }

    private final class Callback implements MqttCallbackExtended {

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
            LOG.log(Level.INFO, "{0} {1}: subscribing to {2}+", reconnect ? "reconnected to" : "connected to",
                    serverUri, commandPrefix);
            try {
                client.subscribe(commandPrefix + "+", 1);
                client.publish(settings.namespace() + "state", onlineState.get(), 1, true);
            } catch (MqttException e) {
                LOG.log(Level.ERROR, "cannot subscribe or announce on " + serverUri, e);
            }
        }

        @Override
        public void connectionLost(Throwable cause) {
            LOG.log(Level.WARNING, "connection to {0} lost: {1}; reconnecting", settings.brokerUrl(), cause);
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            int id = message.getId();
            int qos = message.getQos();
            Runnable ack = () -> acknowledge(id, qos);
            if (!topic.startsWith(commandPrefix) || topic.indexOf('/', commandPrefix.length()) >= 0) {
                LOG.log(Level.WARNING, "ignored a message on {0}: not a command topic", topic);
                ack.run();
                return;
            }
            sink.accept(topic.substring(commandPrefix.length()), message.getPayload(), ack);
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            // QoS 1 publications need nothing more
        }
    }

    private void acknowledge(int messageId, int qos) {
        try {
            client.messageArrivedComplete(messageId, qos);
        } catch (MqttException e) {
            LOG.log(Level.WARNING, "cannot acknowledge message {0}: {1} (the broker will deliver it again; its stored "
                    + "reply answers it)", messageId, e);
        }
    }
}
