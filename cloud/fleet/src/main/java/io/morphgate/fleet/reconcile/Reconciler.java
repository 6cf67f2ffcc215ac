package io.morphgate.fleet.reconcile;

import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.google.gson.JsonObject;

import io.morphgate.fleet.controller.CommandChannel;
import io.morphgate.fleet.desired.DesiredState;
import io.morphgate.fleet.desired.DesiredStates;
import io.morphgate.fleet.desired.Drift;
import io.morphgate.fleet.inventory.Database;

/**
 * Sends the reconcile steps in the database to the gateways that are online, on its own thread: a PENDING step is
 * written SENT, then its {@code budget} command (the desired limits) goes out; a step found SENT and not in flight
 * (a previous controller stopped while it was out) goes out again with the same request id, which the gateway runs
 * once. The reply confirms the step's revision of the desired state. A step whose desired state changed before it
 * was sent is SUPERSEDED, not sent.
 */
public final class Reconciler implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Reconciler.class.getName());
    private static final long PASS_MILLIS = 500;

    private final ReconcileSteps steps;
    private final DesiredStates desired;
    private final CommandChannel commands;
    private final long commandTimeoutMillis;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fleet-reconcile");
        t.setDaemon(true);
        return t;
    });
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

    public Reconciler(Database database, DesiredStates desired, CommandChannel commands, long commandTimeoutMillis)
            throws SQLException {
        this.steps = new ReconcileSteps(database);
        this.desired = desired;
        this.commands = commands;
        this.commandTimeoutMillis = commandTimeoutMillis;
    }

    public void start() {
        worker.scheduleWithFixedDelay(this::pass, 0, PASS_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void pass() {
        try {
            for (ReconcileSteps.Step step : steps.toSend()) {
                if (!inFlight.contains(step.requestId())) {
                    send(step);
                }
            }
        } catch (SQLException | RuntimeException e) {
            // a periodic task that throws is never run again: log and keep the schedule
            LOG.log(Level.WARNING, "reconcile: " + e.getMessage(), e);
        }
    }

    private void send(ReconcileSteps.Step step) throws SQLException {
        if ("PENDING".equals(step.state())) {
            Optional<DesiredState> now = desired.find(step.gatewayId());
            if (now.map(DesiredState::revision).orElse(-1L) != step.revision()) {
                steps.answered(step.requestId(), "SUPERSEDED", "the desired state changed to revision "
                        + now.map(DesiredState::revision).orElse(null) + " before it was sent", Instant.now());
                return;
            }
            steps.sent(step.requestId());
        }
        inFlight.add(step.requestId());
        LOG.info(() -> "reconcile " + step.requestId() + " (" + step.trigger() + "): budget " + step.budget());
        commands.send(step.gatewayId(), "budget", step.requestId(), Drift.parse(step.budget()), commandTimeoutMillis)
                .whenComplete((reply, e) -> {
                    try {
                        worker.execute(() -> answered(step, reply));
                    } catch (RejectedExecutionException stopping) {
                        inFlight.remove(step.requestId()); // stays SENT: the next controller sends it again
                    }
                });
    }

    /** Records the reply (null: none in time); runs on the worker. */
    private void answered(ReconcileSteps.Step step, JsonObject reply) {
        try {
            Instant at = Instant.now();
            if (reply == null) {
                steps.answered(step.requestId(), "TIMEOUT", "no reply in " + commandTimeoutMillis + " ms", at);
            } else if ("ok".equals(reply.get("status").getAsString())) {
                JsonObject result = reply.getAsJsonObject("result").deepCopy();
                result.remove("policyActive");
                steps.answered(step.requestId(), "OK", null, at);
                desired.confirmed(step.gatewayId(), step.revision(), result, at);
            } else {
                steps.answered(step.requestId(), "ERROR", String.valueOf(reply.get("error")), at);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.WARNING, "reconcile " + step.requestId() + ": reply not recorded: " + e.getMessage(), e);
        } finally {
            inFlight.remove(step.requestId());
        }
    }

    /** Stops; steps out and unanswered stay SENT, for the next controller to send again with the same id. */
    @Override
    public void close() throws SQLException {
        worker.shutdownNow();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        steps.close();
    }
}
