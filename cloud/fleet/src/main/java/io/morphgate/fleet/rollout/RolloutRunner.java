package io.morphgate.fleet.rollout;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.morphgate.console.Payloads;
import io.morphgate.fleet.controller.CommandChannel;
import io.morphgate.fleet.desired.DesiredState;
import io.morphgate.fleet.desired.DesiredStates;
import io.morphgate.fleet.desired.Drift;
import io.morphgate.fleet.inventory.Database;
import io.morphgate.fleet.inventory.GatewayRecord;
import io.morphgate.fleet.inventory.Inventory;
import io.morphgate.fleet.rollout.RolloutStore.Rollout;
import io.morphgate.fleet.rollout.RolloutStore.Step;

/**
 * Runs budget rollouts from the database, one at a time, on its own thread: wave by wave (the canary first), each
 * wave's commands at once, then two gates: the share of commands that failed, then, after {@code healthWait}, the
 * share of changed gateways whose telemetry got worse than before the change (failure rate up by 5 points, or p99
 * doubled, or no telemetry since). Over {@code maxBadShare}, or on an operator's abort, every gateway already changed
 * gets its previous budget back. Each state is written before the command it leads to, so a restarted controller
 * picks the rollout up where it stood.
 *
 * <p>Each step also changes the gateway's desired state ({@link DesiredStates}): confirmed by an {@code ok} reply,
 * pending when the gateway did not answer or was offline when its wave came (SKIPPED: no command; it catches up when
 * it is back, see {@code Reconciler}). A rollback puts back the desired state each step replaced.
 */
public final class RolloutRunner implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RolloutRunner.class.getName());
    static final double FAILURE_RATE_RISE = 0.05;
    static final double P99_FACTOR = 2.0;

    private final RolloutStore store;
    private final Inventory inventory;
    private final CommandChannel commands;
    private final DesiredStates desired;
    private final Thread thread;
    private volatile boolean stopped;

    public RolloutRunner(Database database, CommandChannel commands, DesiredStates desired) throws SQLException {
        this.store = new RolloutStore(database);
        this.inventory = new Inventory(database);
        this.commands = commands;
        this.desired = desired;
        this.thread = new Thread(this::loop, "fleet-rollouts");
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void loop() {
        while (!stopped) {
            try {
                for (Rollout r : store.unfinished()) {
                    run(r);
                }
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            } catch (SQLException | RuntimeException e) {
                if (stopped) {
                    return;
                }
                LOG.log(Level.WARNING, "rollouts: " + e.getMessage(), e);
                sleepQuietly(2000);
            }
        }
    }

    private void run(Rollout rollout) throws SQLException, InterruptedException {
        if (!"ROLLING_BACK".equals(rollout.state())) {
            store.state(rollout.id(), "RUNNING", null);
            String abort = waves(rollout);
            if (abort == null) {
                store.state(rollout.id(), "SUCCEEDED", "every wave changed and healthy");
                LOG.info(() -> "rollout " + rollout.id() + " succeeded");
                return;
            }
            LOG.info(() -> "rollout " + rollout.id() + " aborted: " + abort + "; rolling back");
            store.state(rollout.id(), "ROLLING_BACK", abort);
        }
        rollBack(rollout);
    }

    /** Null when every wave passed, else why the rollout stops. */
    private String waves(Rollout rollout) throws SQLException, InterruptedException {
        int last = store.steps(rollout.id()).stream().mapToInt(Step::wave).max().orElse(-1);
        for (int wave = 0; wave <= last; wave++) {
            checkRunning();
            if (store.find(rollout.id()).orElseThrow().abortRequested()) {
                return "aborted by an operator";
            }
            int w = wave;
            List<Step> steps = store.steps(rollout.id()).stream().filter(s -> s.wave() == w).toList();
            boolean fresh = steps.stream().allMatch(s -> "PENDING".equals(s.applyState()));
            String failed = apply(rollout, steps);
            if (failed != null) {
                return failed;
            }
            String unhealthy = healthGate(rollout, wave);
            if (unhealthy != null) {
                return unhealthy;
            }
            if (wave < last && fresh && pauseUntilAborted(rollout)) {
                return "aborted by an operator";
            }
        }
        return null;
    }

    /** Sends the wave's budget commands (again, with the same id, for those sent but unanswered); the first gate. */
    private String apply(Rollout rollout, List<Step> steps) throws SQLException, InterruptedException {
        Map<String, GatewayRecord> known = inventory.list(null).stream()
                .collect(Collectors.toMap(GatewayRecord::id, Function.identity()));
        JsonObject budget = JsonParser.parseString(rollout.budget()).getAsJsonObject();
        List<Step> sending = new ArrayList<>();
        List<CompletableFuture<JsonObject>> replies = new ArrayList<>();
        for (Step s : steps) {
            if ("PENDING".equals(s.applyState())) {
                GatewayRecord g = known.get(s.gatewayId());
                String previousDesired = desired.find(s.gatewayId()).map(DesiredState::budget).orElse(null);
                if (g != null && !g.online()) {
                    store.skipped(rollout.id(), s.gatewayId(), g.budget(), previousDesired);
                    desired.deployed(s.gatewayId(), budget, rollout.id(), null, Instant.now());
                    continue;
                }
                store.sending(rollout.id(), s.gatewayId(), g == null ? null : g.budget(), previousDesired,
                        g == null ? null : g.p99Millis(), g == null ? null : g.failureRate());
            } else if (!"SENT".equals(s.applyState())) {
                continue; // answered before: never sent again
            }
            checkRunning();
            sending.add(s);
            replies.add(commands.send(s.gatewayId(), "budget", s.applyRequestId(), budget, rollout.commandTimeoutMillis()));
        }
        for (int i = 0; i < sending.size(); i++) {
            Step s = sending.get(i);
            checkRunning();
            try {
                JsonObject reply = replies.get(i).get();
                boolean ok = "ok".equals(reply.get("status").getAsString());
                store.applied(rollout.id(), s.gatewayId(), ok ? "OK" : "ERROR", ok ? null : String.valueOf(reply.get("error")));
                if (ok) {
                    desired.deployed(s.gatewayId(), budget, rollout.id(), result(reply), Instant.now());
                }
            } catch (ExecutionException e) {
                store.applied(rollout.id(), s.gatewayId(), "TIMEOUT", "no reply in " + rollout.commandTimeoutMillis() + " ms");
                desired.deployed(s.gatewayId(), budget, rollout.id(), null, Instant.now());
            }
        }
        // a gateway skipped (offline) is neither good nor bad: it catches up when it is back
        int wave = steps.get(0).wave();
        WaveGate gate = WaveGate.apply(store.steps(rollout.id()).stream().filter(s -> s.wave() == wave).toList(),
                rollout.maxBadShare());
        return gate.passed() ? null
                : gate.bad() + " of " + gate.counted() + " gateways of wave " + wave + " did not apply the budget";
    }

    /** After {@code healthWait}, the changed gateways' telemetry against the figures from before the change. */
    private String healthGate(Rollout rollout, int wave) throws SQLException, InterruptedException {
        List<Step> steps = store.steps(rollout.id()).stream().filter(s -> s.wave() == wave && "OK".equals(s.applyState()))
                .toList();
        if (steps.isEmpty() || steps.stream().allMatch(s -> s.health() != null)) {
            return null;
        }
        Instant latest = steps.stream().map(Step::appliedAt).max(Instant::compareTo).orElseThrow();
        long wait = latest.plusMillis(rollout.healthWaitMillis()).toEpochMilli() - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
        checkRunning();
        Map<String, GatewayRecord> now = inventory.list(null).stream()
                .collect(Collectors.toMap(GatewayRecord::id, Function.identity()));
        for (Step s : steps) {
            String problem = problem(s, now.get(s.gatewayId()));
            store.health(rollout.id(), s.gatewayId(), problem == null ? "HEALTHY" : "UNHEALTHY", problem);
        }
        WaveGate gate = WaveGate.health(store.steps(rollout.id()).stream().filter(s -> s.wave() == wave).toList(),
                rollout.maxBadShare());
        return gate.passed() ? null : gate.bad() + " of " + gate.counted() + " changed gateways of wave " + wave + " unhealthy";
    }

    /** Waits the pause between waves, watching for an operator's abort; true when one came. */
    private boolean pauseUntilAborted(Rollout rollout) throws SQLException, InterruptedException {
        long end = System.currentTimeMillis() + rollout.wavePauseMillis();
        for (long left = rollout.wavePauseMillis(); left > 0; left = end - System.currentTimeMillis()) {
            Thread.sleep(Math.min(left, 500));
            if (store.find(rollout.id()).orElseThrow().abortRequested()) {
                return true;
            }
        }
        return false;
    }

    /** Why a changed gateway looks worse than before its change, or null. */
    static String problem(Step step, GatewayRecord now) {
        if (now == null || now.telemetryAt() == null || !now.telemetryAt().isAfter(step.appliedAt())) {
            return "no telemetry since the change";
        }
        Double rate = now.failureRate();
        double before = step.baselineFailureRate() == null ? 0 : step.baselineFailureRate();
        if (rate != null && rate > before + FAILURE_RATE_RISE) {
            return String.format("failure rate %.3f, was %.3f", rate, before);
        }
        if (now.p99Millis() != null && step.baselineP99() != null && now.p99Millis() > P99_FACTOR * step.baselineP99()) {
            return String.format("p99 %.1f ms, was %.1f ms", now.p99Millis(), step.baselineP99());
        }
        return null;
    }

    /**
     * Every gateway that may have changed gets its previous budget back (each with its own request id, once), and
     * every gateway whose desired state the rollout changed gets the previous one back: confirmed by the rollback's
     * reply, else pending (caught up when the gateway is online).
     */
    private void rollBack(Rollout rollout) throws SQLException, InterruptedException {
        for (Step s : store.steps(rollout.id())) {
            if ("SKIPPED".equals(s.applyState()) && !"RESTORED".equals(s.rollbackState())) {
                desired.restored(s.gatewayId(), Drift.parse(s.previousDesiredBudget()), rollout.id() + " rolled back",
                        null, Instant.now());
                store.rollback(rollout.id(), s.gatewayId(), "RESTORED"); // desired state only: nothing was sent
            }
        }
        List<Step> changed = store.steps(rollout.id()).stream()
                .filter(s -> List.of("OK", "SENT", "TIMEOUT").contains(s.applyState()))
                .filter(s -> !"OK".equals(s.rollbackState())).toList();
        List<CompletableFuture<JsonObject>> replies = new ArrayList<>();
        for (Step s : changed) {
            checkRunning();
            store.rollback(rollout.id(), s.gatewayId(), "SENT");
            JsonObject previous = s.previousBudget() == null ? new JsonObject()
                    : JsonParser.parseString(s.previousBudget()).getAsJsonObject();
            replies.add(commands.send(s.gatewayId(), "budget", s.rollbackRequestId(), Payloads.budgetExactly(previous),
                    rollout.commandTimeoutMillis()));
        }
        int failed = 0;
        for (int i = 0; i < changed.size(); i++) {
            checkRunning();
            try {
                JsonObject reply = replies.get(i).get();
                boolean ok = "ok".equals(reply.get("status").getAsString());
                store.rollback(rollout.id(), changed.get(i).gatewayId(), ok ? "OK" : "FAILED");
                desired.restored(changed.get(i).gatewayId(), Drift.parse(changed.get(i).previousDesiredBudget()),
                        rollout.id() + " rolled back", ok ? result(reply) : null, Instant.now());
                failed += ok ? 0 : 1;
            } catch (ExecutionException e) {
                store.rollback(rollout.id(), changed.get(i).gatewayId(), "FAILED");
                desired.restored(changed.get(i).gatewayId(), Drift.parse(changed.get(i).previousDesiredBudget()),
                        rollout.id() + " rolled back", null, Instant.now());
                failed++;
            }
        }
        store.state(rollout.id(), failed == 0 ? "ROLLED_BACK" : "ROLLBACK_FAILED", null);
        int f = failed;
        LOG.info(() -> "rollout " + rollout.id() + " rolled back on " + (changed.size() - f) + " gateways, " + f + " failed");
    }

    /** A budget reply's result: the limits in force. */
    private static JsonObject result(JsonObject reply) {
        JsonObject result = reply.getAsJsonObject("result").deepCopy();
        result.remove("policyActive");
        return result;
    }

    private void checkRunning() throws InterruptedException {
        if (stopped) {
            throw new InterruptedException("controller stopping");
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops between two steps (a step written as sent but not answered is sent again by the next controller). */
    @Override
    public void close() throws SQLException {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
        inventory.close();
    }
}
