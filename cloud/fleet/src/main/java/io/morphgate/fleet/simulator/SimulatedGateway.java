package io.morphgate.fleet.simulator;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.morphgate.console.Topics;
import io.morphgate.fleet.mqtt.BrokerSettings;
import io.morphgate.fleet.mqtt.MqttSession;
import io.morphgate.wire.JsonText;
import io.morphgate.wire.ServingJson;

/**
 * One gateway as the cloud sees it on the wire: its own persistent MQTT session (client id = gateway id), retained
 * {@code state} (online on every connect, offline as last will), periodic {@code telemetry}, and the verbs of
 * {@link SimulatedVerbs} answered on {@code reply/<requestId>}, each request id once (a repeat gets the stored reply).
 */
public final class SimulatedGateway implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SimulatedGateway.class.getName());
    private static final int REPLIES_KEPT = 1000;

    private final String id;
    private final MqttSession session;
    private final ExecutorService workers;
    private final ScheduledExecutorService timer;
    private final Instant startedAt = Instant.now();
    private final SimulatedBackbone backbone;
    private final SimulatedVerbs verbs;
    private final Map<String, String> replies = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > REPLIES_KEPT;
        }
    });
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final AtomicLong totalRequests = new AtomicLong();
    private final AtomicLong commandsAnswered = new AtomicLong();
    private final Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> executed = new ConcurrentHashMap<>();
    private volatile Behaviour behaviour = Behaviour.HEALTHY;
    private ScheduledFuture<?> telemetry;

    SimulatedGateway(String id, BrokerSettings broker, ExecutorService workers, ScheduledExecutorService timer)
            throws MqttException {
        this.id = id;
        this.workers = workers;
        this.timer = timer;
        this.backbone = new SimulatedBackbone("bb-" + Integer.toHexString(id.hashCode()));
        this.verbs = new SimulatedVerbs(id, startedAt, backbone, this::behaviour);
        this.session = new MqttSession(broker, id, new MqttSession.Will(Topics.state(id), "{\"status\":\"offline\"}"),
                timer, this::arrived);
        session.onConnected(this::publishOnline);
    }

    public String id() {
        return id;
    }

    public Behaviour behaviour() {
        return behaviour;
    }

    public void behave(Behaviour value) {
        behaviour = value;
    }

    /** Commands answered so far (repeats answered from the store count too). */
    public long commandsAnswered() {
        return commandsAnswered.get();
    }

    /** How often a command with this request id arrived (a controller's retry counts again). */
    public int timesReceived(String requestId) {
        AtomicInteger n = received.get(requestId);
        return n == null ? 0 : n.get();
    }

    /** How often a command with this request id ran (at most once: repeats are answered from the store). */
    public int timesExecuted(String requestId) {
        AtomicInteger n = executed.get(requestId);
        return n == null ? 0 : n.get();
    }

    /** The budget in force: the four limits, an unset one null. */
    public JsonObject budget() {
        return backbone.budget();
    }

    public boolean unhealthy() {
        return backbone.unhealthy();
    }

    public boolean connected() {
        return session.isConnected();
    }

    public String currentServer() {
        return session.currentServer();
    }

    /**
     * Loses power: the link drops without DISCONNECT (the broker publishes the last will, offline), and the gateway
     * stays away until {@link #powerOn}. Its persistent session keeps what is sent to it meanwhile.
     */
    public void powerOff() {
        session.drop();
    }

    /** Connects again; it publishes its online state once its commands can arrive. */
    public void powerOn() {
        session.start();
    }

    /** Connects; completes when connected and subscribed to its commands. */
    CompletableFuture<Void> start(long telemetryMillis) {
        CompletableFuture<Void> subscribed = session.subscribe(Topics.command(id, "+"), 1);
        session.start();
        long first = ThreadLocalRandom.current().nextLong(Math.max(1, telemetryMillis));
        telemetry = timer.scheduleAtFixedRate(this::publishTelemetry, first, telemetryMillis, TimeUnit.MILLISECONDS);
        return subscribed;
    }

    private void publishOnline() {
        JsonObject state = new JsonObject();
        state.addProperty("status", "online");
        state.addProperty("since", Instant.now().toString());
        verbs.describe().entrySet().forEach(e -> state.add(e.getKey(), e.getValue()));
        session.publish(Topics.state(id), JsonText.write(state), 1, true);
    }

    private void publishTelemetry() {
        if (!session.isConnected()) {
            return;
        }
        try {
            long uptime = Duration.between(startedAt, Instant.now()).toSeconds();
            var serving = backbone.serving(totalRequests.addAndGet(600));
            session.publish(Topics.telemetry(id), JsonText.write(ServingJson.telemetry(backbone.status(), serving, uptime)),
                    0, false);
        } catch (RuntimeException e) {
            // a periodic task that throws is never run again: log and keep the schedule
            LOG.log(Level.WARNING, id + ": telemetry not published", e);
        }
    }

    private void arrived(String topic, MqttMessage message) {
        String verb = topic.substring(topic.lastIndexOf('/') + 1);
        String payload = new String(message.getPayload(), StandardCharsets.UTF_8);
        workers.execute(() -> handle(verb, payload));
    }

    private void handle(String verb, String payload) {
        String requestId;
        try {
            requestId = JsonParser.parseString(payload).getAsJsonObject().get("requestId").getAsString();
        } catch (RuntimeException e) {
            LOG.fine(() -> id + ": command without a usable requestId on " + verb + ": " + payload);
            return;
        }
        received.computeIfAbsent(requestId, k -> new AtomicInteger()).incrementAndGet();
        Behaviour now = behaviour;
        if (verb.equals(now.crashVerb())) {
            behaviour = now.withoutCrash();
            LOG.info(() -> id + ": crashing on " + verb + " " + requestId + " (back in " + now.crashDownMillis() + " ms)");
            session.crash(now.crashDownMillis());
            return;
        }
        String stored = replies.get(requestId);
        if (stored != null) {
            answer(requestId, stored, 0);
            return;
        }
        if (!running.add(requestId)) {
            return; // the first one's reply answers both
        }
        executed.computeIfAbsent(requestId, k -> new AtomicInteger()).incrementAndGet();
        String reply = JsonText.write(verbs.handle(verb, requestId, payload));
        replies.put(requestId, reply);
        running.remove(requestId);
        answer(requestId, reply, now.replyDelayMillis());
    }

    private void answer(String requestId, String reply, long delayMillis) {
        Runnable send = () -> {
            session.publish(Topics.reply(id, requestId), reply, 1, false);
            commandsAnswered.incrementAndGet();
        };
        if (delayMillis > 0) {
            timer.schedule(send, delayMillis, TimeUnit.MILLISECONDS);
        } else {
            send.run();
        }
    }

    /** Orderly stop: offline state, then DISCONNECT. */
    @Override
    public void close() {
        if (telemetry != null) {
            telemetry.cancel(false);
        }
        if (session.isConnected()) {
            session.publishConfirmed(Topics.state(id), "{\"status\":\"offline\"}", true).orTimeout(2, TimeUnit.SECONDS)
                    .exceptionally(e -> null).join();
        }
        session.close();
    }
}
