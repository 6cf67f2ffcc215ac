package io.morphgate.fleet.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * One persistent MQTT 3.1.1 session over a list of broker nodes, kept alive: it connects (trying the nodes in
 * order), reconnects with a growing delay when the link drops, and subscribes again when the broker lost the session
 * (CONNACK without session present). Every subscription's SUBACK is checked: a broker that grants 128 (NATS 2.9 when
 * creating the JetStream consumer of a QoS 1 subscription timed out) gets the subscription again, later.
 *
 * <p>Reconnection is done here rather than by Paho's automatic reconnect because only a connect token tells whether
 * the session survived.
 */
public final class MqttSession implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MqttSession.class.getName());
    private static final long FIRST_RETRY_MILLIS = 250;
    private static final long MAX_RETRY_MILLIS = 8000;

    private final MqttAsyncClient client;
    private final MqttConnectOptions options;
    private final ScheduledExecutorService timer;
    private final Map<String, Integer> subscriptions = new ConcurrentHashMap<>();
    /** Filters whose SUBACK granted them: a reconnect with the session kept need not send them again. */
    private final Set<String> granted = ConcurrentHashMap.newKeySet();
    private final Map<String, CompletableFuture<Void>> waiting = new ConcurrentHashMap<>();
    private final BiConsumer<String, MqttMessage> onMessage;
    private volatile Runnable onConnected = () -> { };
    private volatile boolean closed;
    /** Dropped on purpose ({@link #drop}): no reconnect until {@link #start}. */
    private volatile boolean down;
    private volatile long retryMillis = FIRST_RETRY_MILLIS;
    private final CompletableFuture<Void> firstConnect = new CompletableFuture<>();

    /**
     * @param will      the last will (retained, QoS 1), or null
     * @param onMessage called on Paho's callback thread: hand long work off
     */
    public MqttSession(BrokerSettings broker, String clientId, Will will, ScheduledExecutorService timer,
            BiConsumer<String, MqttMessage> onMessage) throws MqttException {
        List<String> servers = broker.servers();
        this.client = new MqttAsyncClient(servers.get(0), clientId, new MemoryPersistence());
        this.options = broker.connectOptions();
        options.setServerURIs(servers.toArray(String[]::new));
        options.setCleanSession(false);
        options.setAutomaticReconnect(false);
        if (will != null) {
            options.setWill(will.topic(), will.payload().getBytes(StandardCharsets.UTF_8), 1, true);
        }
        this.timer = timer;
        this.onMessage = onMessage;
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                LOG.fine(() -> clientId + ": connection lost: " + cause);
                scheduleConnect();
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                MqttSession.this.onMessage.accept(topic, message);
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // QoS 1 publications: Paho keeps them until the PUBACK; nothing to do here
            }
        });
    }

    /** The last will: a retained message the broker publishes when the link drops without DISCONNECT. */
    public record Will(String topic, String payload) {
    }

    /**
     * Called after every successful (re)connect, once every subscription is granted (set them before {@link #start}),
     * on Paho's thread: e.g. publish a retained "online".
     */
    public void onConnected(Runnable action) {
        this.onConnected = action;
    }

    /** Starts connecting; the future completes at the first successful connect (it keeps trying until then). */
    public CompletableFuture<Void> start() {
        down = false;
        connect();
        return firstConnect;
    }

    /**
     * Subscribes now (if connected; otherwise at the next connect) and after every reconnect that lost the session;
     * completes when the broker granted it.
     */
    public CompletableFuture<Void> subscribe(String filter, int qos) {
        subscriptions.put(filter, qos);
        CompletableFuture<Void> done = waiting.computeIfAbsent(filter, f -> new CompletableFuture<>());
        sendSubscribe(filter, qos, 0);
        return done;
    }

    public boolean isConnected() {
        return client.isConnected();
    }

    public String clientId() {
        return client.getClientId();
    }

    /** The node this session is connected to (null when not connected). */
    public String currentServer() {
        return client.isConnected() ? client.getCurrentServerURI() : null;
    }

    /** Publishes without waiting; a publication while disconnected is dropped and logged (the caller retries). */
    public void publish(String topic, String payload, int qos, boolean retained) {
        try {
            client.publish(topic, payload.getBytes(StandardCharsets.UTF_8), qos, retained);
        } catch (MqttException e) {
            LOG.fine(() -> client.getClientId() + ": not published on " + topic + ": " + e.getMessage());
        }
    }

    /** Like {@link #publish}, completing when the broker acknowledged it (QoS 1). */
    public CompletableFuture<Void> publishConfirmed(String topic, String payload, boolean retained) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            client.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, retained, null, listener(
                    t -> done.complete(null), (t, e) -> done.completeExceptionally(e)));
        } catch (MqttException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    /**
     * Drops the connection without DISCONNECT (the broker publishes the last will), as a crashed device would, and
     * connects again after {@code downMillis}.
     */
    public void crash(long downMillis) {
        drop();
        timer.schedule(this::start, downMillis, TimeUnit.MILLISECONDS);
    }

    /** Drops the connection without DISCONNECT (the broker publishes the last will); {@link #start} connects again. */
    public void drop() {
        down = true;
        try {
            client.disconnectForcibly(0, 100, false);
        } catch (MqttException e) {
            LOG.fine(() -> client.getClientId() + ": forced disconnect: " + e.getMessage());
        }
    }

    private void connect() {
        if (closed || down || client.isConnected()) {
            return;
        }
        try {
            client.connect(options, null, listener(this::connected, (t, e) -> {
                LOG.fine(() -> client.getClientId() + ": connect failed: " + e);
                scheduleConnect();
            }));
        } catch (MqttException e) {
            // already connecting (REASON_CODE_CONNECT_IN_PROGRESS) or closed: the pending attempt decides
            if (e.getReasonCode() != MqttException.REASON_CODE_CONNECT_IN_PROGRESS
                    && e.getReasonCode() != MqttException.REASON_CODE_CLIENT_CONNECTED) {
                scheduleConnect();
            }
        }
    }

    private void connected(IMqttToken token) {
        retryMillis = FIRST_RETRY_MILLIS;
        boolean sessionPresent = token.getSessionPresent();
        LOG.fine(() -> client.getClientId() + ": connected to " + client.getCurrentServerURI() + ", session present "
                + sessionPresent);
        if (!sessionPresent) {
            granted.clear();
        }
        List<CompletableFuture<Void>> subscribed = new ArrayList<>();
        subscriptions.forEach((filter, qos) -> {
            if (!granted.contains(filter)) {
                subscribed.add(waiting.computeIfAbsent(filter, f -> new CompletableFuture<>()));
                sendSubscribe(filter, qos, 0);
            }
        });
        // "online" only once the commands can arrive: what is published to a topic before its subscription is lost
        CompletableFuture.allOf(subscribed.toArray(CompletableFuture[]::new)).thenRun(() -> {
            try {
                onConnected.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, client.getClientId() + ": after connect", e);
            }
        });
        firstConnect.complete(null);
    }

    private void scheduleConnect() {
        if (closed) {
            return;
        }
        long delay = retryMillis;
        retryMillis = Math.min(MAX_RETRY_MILLIS, retryMillis * 2);
        timer.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    private void sendSubscribe(String filter, int qos, int attempt) {
        if (closed || !client.isConnected()) {
            // the next connect subscribes again (it is not granted yet)
            return;
        }
        try {
            client.subscribe(filter, qos, null, listener(token -> {
                int grantedQos = token.getGrantedQos()[0];
                if (grantedQos == 128) {
                    LOG.info(() -> client.getClientId() + ": broker refused subscription " + filter + " (SUBACK 128), attempt "
                            + (attempt + 1) + "; retrying");
                    retrySubscribe(filter, qos, attempt);
                } else {
                    granted.add(filter);
                    CompletableFuture<Void> done = waiting.remove(filter);
                    if (done != null) {
                        done.complete(null);
                    }
                }
            }, (token, e) -> retrySubscribe(filter, qos, attempt)));
        } catch (MqttException e) {
            retrySubscribe(filter, qos, attempt);
        }
    }

    private void retrySubscribe(String filter, int qos, int attempt) {
        long delay = Math.min(MAX_RETRY_MILLIS, FIRST_RETRY_MILLIS << Math.min(attempt, 5));
        timer.schedule(() -> sendSubscribe(filter, qos, attempt + 1), delay, TimeUnit.MILLISECONDS);
    }

    private static IMqttActionListener listener(Consumer<IMqttToken> ok,
            BiConsumer<IMqttToken, Throwable> failed) {
        return new IMqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
                ok.accept(token);
            }

            @Override
            public void onFailure(IMqttToken token, Throwable e) {
                failed.accept(token, e);
            }
        };
    }

    /** Orderly stop: publishes nothing itself (publish a final state first), then DISCONNECT, so no last will. */
    @Override
    public void close() {
        closed = true;
        try {
            if (client.isConnected()) {
                client.disconnect(1000).waitForCompletion(2000);
            }
        } catch (MqttException e) {
            LOG.fine(() -> client.getClientId() + ": disconnect: " + e.getMessage());
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            LOG.fine(() -> client.getClientId() + ": close: " + e.getMessage());
        }
    }
}
