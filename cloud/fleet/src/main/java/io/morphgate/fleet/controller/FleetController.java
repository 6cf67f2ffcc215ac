package io.morphgate.fleet.controller;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.morphgate.console.Topics;
import io.morphgate.fleet.desired.DesiredState;
import io.morphgate.fleet.desired.DesiredStates;
import io.morphgate.fleet.desired.Drift;
import io.morphgate.fleet.inventory.Database;
import io.morphgate.fleet.inventory.Inventory;
import io.morphgate.fleet.mqtt.BrokerSettings;
import io.morphgate.fleet.mqtt.MqttSession;
import io.morphgate.fleet.reconcile.ReconcileSteps;
import io.morphgate.fleet.reconcile.Reconciler;
import io.morphgate.fleet.rollout.RolloutRunner;

/**
 * The long-running controller: one persistent MQTT session that hears every gateway's retained {@code state}, its
 * {@code telemetry} and the replies to the controller's commands, and writes the inventory from one thread. When a
 * gateway comes online it asks for its budget (a {@code budget} command without limits only reads); that budget, and
 * the result of every {@code budget} reply it hears (to anyone's command, a console's too), is compared with the
 * gateway's desired state ({@link DesiredStates}): a gateway back online with a deployment's change pending gets a
 * catch-up reconcile step; one changed locally is marked drifted and left as it is. It runs the rollouts in the
 * database ({@link RolloutRunner}), resuming those a previous controller left unfinished, and the reconcile steps
 * ({@link Reconciler}).
 */
public final class FleetController implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(FleetController.class.getName());
    private static final long BUDGET_READ_TIMEOUT_MILLIS = 30_000;
    private static final long RECONCILE_TIMEOUT_MILLIS = 30_000;

    private final Inventory inventory;
    private final MqttSession session;
    private final CommandChannel commands;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> daemon(r, "fleet-inventory"));
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, r -> daemon(r, "fleet-timer"));
    private final AtomicLong messages = new AtomicLong();
    private final DesiredStates desired;
    private final ReconcileSteps catchUps;
    private final RolloutRunner rollouts;
    private final Reconciler reconciler;

    private FleetController(Database database, BrokerSettings broker, String clientId) throws SQLException, MqttException {
        this.inventory = new Inventory(database);
        this.session = new MqttSession(broker, clientId, null, timer, this::arrived);
        this.commands = new CommandChannel(session);
        this.desired = new DesiredStates(database);
        this.catchUps = new ReconcileSteps(database);
        this.rollouts = new RolloutRunner(database, commands, desired);
        this.reconciler = new Reconciler(database, desired, commands, RECONCILE_TIMEOUT_MILLIS);
    }

    /** Connects and subscribes; returns once the broker granted every subscription. */
    public static FleetController start(Database database, BrokerSettings broker, String clientId, long timeoutMillis)
            throws SQLException, MqttException {
        FleetController controller = new FleetController(database, broker, clientId);
        CompletableFuture<?> subscribed = CompletableFuture.allOf(
                controller.session.subscribe(CommandChannel.REPLIES, 1),
                controller.session.subscribe(Topics.state("+"), 1),
                // telemetry at QoS 0: figures that are stale when late; on NATS no JetStream consumer per subscription
                controller.session.subscribe(Topics.telemetry("+"), 0));
        controller.session.start();
        subscribed.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS).join();
        controller.rollouts.start();
        controller.reconciler.start();
        LOG.info(() -> "controller " + clientId + " listening on " + controller.session.currentServer());
        return controller;
    }

    public CommandChannel commands() {
        return commands;
    }

    /** Messages heard so far (state, telemetry, replies). */
    public long messages() {
        return messages.get();
    }

    public String currentServer() {
        return session.currentServer();
    }

    private void arrived(String topic, MqttMessage message) {
        messages.incrementAndGet();
        String payload = new String(message.getPayload(), StandardCharsets.UTF_8);
        Instant at = Instant.now();
        String gateway = Topics.gatewayOf(topic);
        if (topic.contains("/reply/")) {
            if (!commands.onReply(topic, payload)) {
                writer.execute(() -> record(gateway, () -> heardReply(gateway, payload, at)));
            }
            return;
        }
        if (topic.equals(Topics.state(gateway))) {
            writer.execute(() -> record(gateway, () -> onState(gateway, payload, at)));
        } else if (topic.equals(Topics.telemetry(gateway))) {
            writer.execute(() -> record(gateway, () -> inventory.recordTelemetry(gateway, object(payload), at)));
        }
    }

    private void onState(String gateway, String payload, Instant at) throws SQLException {
        if (payload.isEmpty()) {
            return; // a cleared retained message
        }
        JsonObject state = object(payload);
        inventory.recordState(gateway, state, at);
        if ("online".equals(state.has("status") ? state.get("status").getAsString() : null)) {
            // connected again after a lost link (its broker node died): a reply it could not send is asked for again
            int again = connectedAt(state).map(since -> commands.resend(gateway, since)).orElse(0);
            if (again > 0) {
                LOG.info(() -> gateway + " is back online: " + again + " unanswered command(s) sent again");
            }
            readBudget(gateway);
        }
    }

    /** When the gateway connected, from its {@code online} state's {@code since}; empty when missing or unreadable. */
    private static Optional<Instant> connectedAt(JsonObject state) {
        try {
            return state.has("since") ? Optional.of(Instant.parse(state.get("since").getAsString())) : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private void readBudget(String gateway) {
        readBudget(gateway, "fleet-budget-" + UUID.randomUUID(), 3);
    }

    /** Reads the budget; without a reply in time asks again with the same request id (answered once). */
    private void readBudget(String gateway, String requestId, int attempts) {
        commands.send(gateway, "budget", requestId, new JsonObject(), BUDGET_READ_TIMEOUT_MILLIS)
                .thenAccept(reply -> {
                    if ("ok".equals(reply.get("status").getAsString())) {
                        JsonObject budget = reply.getAsJsonObject("result").deepCopy();
                        budget.remove("policyActive");
                        writer.execute(() -> record(gateway, () -> cameOnline(gateway, budget, Instant.now())));
                    }
                }).exceptionally(e -> {
                    LOG.fine(() -> gateway + ": no budget reply: " + e);
                    if (attempts > 1) {
                        readBudget(gateway, requestId, attempts - 1);
                    }
                    return null;
                });
    }

    /**
     * The budget a gateway that came online reports: a deployment's change it has not confirmed (it was offline or
     * did not answer) is sent to it now; a local change (drifted) is only reported.
     */
    private void cameOnline(String gateway, JsonObject budget, Instant at) throws SQLException {
        Optional<DesiredState> state = desired.reported(gateway, budget, at);
        if (state.isPresent() && Drift.PENDING.equals(state.get().status())) {
            ReconcileSteps.Step step = catchUps.request(state.get(), ReconcileSteps.CATCH_UP, at);
            LOG.info(() -> gateway + " is back with " + state.get().difference() + ": catching up with " + step.requestId());
        }
    }

    /** A reply to someone else's command (a console's, or one of ours answered late): a budget result is a report. */
    private void heardReply(String gateway, String payload, Instant at) throws SQLException {
        JsonObject reply = object(payload);
        if (reply.has("verb") && "budget".equals(reply.get("verb").getAsString()) && reply.has("status")
                && "ok".equals(reply.get("status").getAsString()) && reply.has("result")
                && reply.get("result").isJsonObject()) {
            JsonObject budget = reply.getAsJsonObject("result").deepCopy();
            budget.remove("policyActive");
            desired.reported(gateway, budget, at).filter(d -> Drift.DRIFTED.equals(d.status()))
                    .ifPresent(d -> LOG.info(() -> gateway + " drifted: " + d.difference()));
        }
    }

    /** Runs an inventory write on the writer thread (the caller's), logging a failure once. */
    private void record(String gateway, SqlAction action) {
        try {
            action.run();
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.WARNING, gateway + ": inventory not updated: " + e.getMessage(), e);
        }
    }

    /** Runs {@code action} on the inventory's thread, after what is already queued. */
    public void onWriter(Runnable action) {
        writer.execute(action);
    }

    private static JsonObject object(String payload) {
        return JsonParser.parseString(payload).getAsJsonObject();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @FunctionalInterface
    private interface SqlAction {
        void run() throws SQLException;
    }

    @Override
    public void close() throws SQLException {
        reconciler.close();
        rollouts.close();
        session.close();
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timer.shutdownNow();
        inventory.close();
        catchUps.close();
        desired.close();
    }
}
