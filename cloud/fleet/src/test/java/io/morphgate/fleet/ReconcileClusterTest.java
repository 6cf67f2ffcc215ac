package io.morphgate.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import io.morphgate.console.Topics;
import io.morphgate.fleet.controller.FleetController;
import io.morphgate.fleet.desired.DesiredState;
import io.morphgate.fleet.desired.DesiredStates;
import io.morphgate.fleet.desired.Drift;
import io.morphgate.fleet.inventory.Database;
import io.morphgate.fleet.inventory.GatewayRecord;
import io.morphgate.fleet.inventory.Inventory;
import io.morphgate.fleet.mqtt.BrokerSettings;
import io.morphgate.fleet.mqtt.MqttSession;
import io.morphgate.fleet.reconcile.ReconcileSteps;
import io.morphgate.fleet.rollout.RolloutStore;
import io.morphgate.fleet.simulator.Behaviour;
import io.morphgate.fleet.simulator.SimulatedGateway;
import io.morphgate.fleet.simulator.Simulation;

/**
 * Desired state, drift and reconciliation on a real 3-node NATS cluster (nats-cluster.sh) with 6 simulated gateways
 * and the controller on an H2 file database. A gateway offline during a rollout is skipped and catches up when it is
 * back; a gateway whose budget is changed by someone else (a console's command) is reported drifted and left alone,
 * also when it reconnects, until an operator's reconcile; a controller stopped while a reconcile step is out sends
 * it again with the same request id, and the gateway runs it once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReconcileClusterTest {

    private static final Logger LOG = Logger.getLogger(ReconcileClusterTest.class.getName());
    private static final int GATEWAYS = 6;
    private static final String DESIRED = "{\"maxMacs\":3000000}";

    @TempDir
    static Path dir;

    private NatsCluster cluster;
    private Simulation simulation;
    private FleetController controller;
    private Database database;
    private BrokerSettings broker;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private MqttSession console;

    @BeforeAll
    void start() throws Exception {
        cluster = NatsCluster.start(dir.resolve("nats"));
        if (cluster == null) {
            return;
        }
        broker = new BrokerSettings(cluster.servers(), null, null, 5);
        database = Database.open(Database.h2Url(dir.resolve("db")), "fleet", "");
        controller = FleetController.start(database, broker, "reconcile-test-controller", 60_000);
        simulation = Simulation.start(broker, "rc", GATEWAYS, 1000, 6, 60_000);
        // someone else commanding gateways directly, as morphgate-console does
        console = new MqttSession(broker, "reconcile-test-console", null, timer, (topic, message) -> { });
        console.start().get(30, TimeUnit.SECONDS);
        try (Inventory inventory = new Inventory(database)) {
            inventory.addToGroup("edge", List.of("rc-0001", "rc-0002", "rc-0003", "rc-0004"));
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (console != null) {
            console.close();
        }
        if (simulation != null) {
            simulation.close();
        }
        if (controller != null) {
            controller.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        timer.shutdownNow();
    }

    @Test
    @Order(1)
    void aGatewayOfflineDuringARolloutIsSkippedAndCatchesUpWhenItIsBack() throws Exception {
        awaitInventory();
        SimulatedGateway away = simulation.gateway("rc-0003");
        away.powerOff();
        await("rc-0003 offline in the inventory", 30, () -> !gateway("rc-0003").online());

        assertEquals(0, fleet("deploy", "--group", "edge", "--id", "r-one", "--max-macs", "3000000", "--canary", "1",
                "--wave-size", "3", "--wave-pause", "0.5", "--health-wait", "1.5", "--command-timeout", "10"));
        awaitRollout("r-one", "SUCCEEDED");
        RolloutStore.Step skipped = steps("r-one").stream().filter(s -> s.gatewayId().equals("rc-0003")).findFirst()
                .orElseThrow();
        assertEquals("SKIPPED", skipped.applyState(), skipped.toString());
        assertEquals(0, away.timesReceived(skipped.applyRequestId()), "no command for a gateway that is offline");
        DesiredState pending = desired("rc-0003");
        assertEquals(Drift.PENDING, pending.status(), pending.toString());
        assertEquals(DESIRED, pending.budget());
        assertEquals("maxMacs: desired 3000000, reported none", pending.difference());
        for (String id : List.of("rc-0001", "rc-0002", "rc-0004")) {
            assertEquals(Drift.IN_SYNC, desired(id).status(), id);
        }
        assertEquals(0, fleet("drift"));

        away.powerOn();
        await("rc-0003 caught up", 30, () -> Drift.IN_SYNC.equals(desired("rc-0003").status()));
        ReconcileSteps.Step step = history("rc-0003").get(0);
        assertEquals(ReconcileSteps.CATCH_UP, step.trigger());
        assertEquals("OK", step.state(), step.toString());
        assertEquals("rc-0003-reconcile-1-1", step.requestId());
        assertEquals(DESIRED, step.budget());
        assertEquals(1, away.timesExecuted(step.requestId()));
        assertEquals(3000000, away.budget().get("maxMacs").getAsLong());
        assertTrue(away.budget().get("maxLatencyMillis").isJsonNull(), "limits no deployment set are left as they were");
    }

    @Test
    @Order(2)
    void aLocalChangeIsReportedDriftedAndNotOverwrittenUntilReconcile() throws Exception {
        awaitInventory();
        SimulatedGateway changed = simulation.gateway("rc-0002");
        assertEquals(Drift.IN_SYNC, desired("rc-0002").status());
        consoleBudget("rc-0002", "console-1", 1000000);
        await("rc-0002 drifted", 30, () -> Drift.DRIFTED.equals(desired("rc-0002").status()));
        DesiredState drifted = desired("rc-0002");
        assertEquals("maxMacs: desired 3000000, reported 1000000", drifted.difference());
        assertEquals(0, fleet("drift"));
        assertEquals(0, fleet("gateways", "--drifted"));

        // back from a power loss: its budget is read again, and a drifted gateway is only reported, not caught up
        changed.powerOff();
        await("rc-0002 offline", 30, () -> !gateway("rc-0002").online());
        Instant back = Instant.now();
        changed.powerOn();
        await("rc-0002 reported its budget after coming back", 30,
                () -> desired("rc-0002").reportedAt() != null && desired("rc-0002").reportedAt().isAfter(back));
        CompletableFuture<Void> handled = new CompletableFuture<>();
        controller.onWriter(() -> handled.complete(null)); // what the controller does on that report is done
        handled.get(10, TimeUnit.SECONDS);
        assertEquals(Drift.DRIFTED, desired("rc-0002").status());
        assertEquals(drifted.statusSince(), desired("rc-0002").statusSince(), "drifted since the local change");
        assertEquals(List.of(), history("rc-0002"), "no reconcile step without an operator's reconcile");
        assertEquals(1000000, changed.budget().get("maxMacs").getAsLong(), "the local change is still in force");

        assertEquals(0, fleet("reconcile", "rc-0002"));
        await("rc-0002 reconciled", 30, () -> Drift.IN_SYNC.equals(desired("rc-0002").status()));
        ReconcileSteps.Step step = history("rc-0002").get(0);
        assertEquals(ReconcileSteps.OPERATOR, step.trigger());
        assertEquals("OK", step.state(), step.toString());
        assertEquals(1, changed.timesExecuted(step.requestId()));
        assertEquals(3000000, changed.budget().get("maxMacs").getAsLong());
        assertEquals(0, fleet("reconcile", "rc-0002"), "in sync: nothing to do");
        assertEquals(1, history("rc-0002").size());
    }

    @Test
    @Order(3)
    void aControllerRestartedMidReconcileDoesNotSendAStepTwice() throws Exception {
        awaitInventory();
        SimulatedGateway slow = simulation.gateway("rc-0004");
        consoleBudget("rc-0004", "console-2", 500000);
        await("rc-0004 drifted", 30, () -> Drift.DRIFTED.equals(desired("rc-0004").status()));
        slow.behave(new Behaviour(3000, null, 0, false)); // replies 3 s late: the controller stops before

        assertEquals(0, fleet("reconcile", "--all-drifted"));
        ReconcileSteps.Step step = history("rc-0004").get(0);
        await("the reconcile step reached rc-0004", 30, () -> slow.timesReceived(step.requestId()) == 1);
        controller.close();
        controller = null;
        assertEquals("SENT", history("rc-0004").get(0).state(), "sent and not answered when the controller stopped");
        controller = FleetController.start(database, broker, "reconcile-test-controller", 60_000);

        await("rc-0004 reconciled by the new controller", 30,
                () -> "OK".equals(history("rc-0004").get(0).state()));
        assertEquals(1, history("rc-0004").size(), "one step, sent again: not a new one");
        assertEquals(1, slow.timesExecuted(step.requestId()), "the gateway ran it once");
        assertEquals(2, slow.timesReceived(step.requestId()), "sent again with the same request id");
        assertEquals(3000000, slow.budget().get("maxMacs").getAsLong());
        await("rc-0004 in sync", 30, () -> Drift.IN_SYNC.equals(desired("rc-0004").status()));
        slow.behave(Behaviour.HEALTHY);
    }

    private void consoleBudget(String gateway, String requestId, long maxMacs) throws Exception {
        console.publishConfirmed(Topics.command(gateway, "budget"),
                "{\"requestId\":\"" + requestId + "\",\"maxMacs\":" + maxMacs + "}", false).get(10, TimeUnit.SECONDS);
    }

    private void awaitInventory() throws Exception {
        Assumptions.assumeTrue(cluster != null, NatsCluster.MISSING);
        await("every gateway online with its budget", 60, () -> {
            List<GatewayRecord> rows = gateways();
            return rows.size() == GATEWAYS && rows.stream().allMatch(g -> g.online() && g.budget() != null);
        });
    }

    /** The command line, as a person types it, on the test's database. */
    private static int fleet(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--db", Database.h2Url(dir.resolve("db"))));
        return Fleet.commandLine().execute(all.toArray(String[]::new));
    }

    private List<GatewayRecord> gateways() {
        try (Inventory inventory = new Inventory(database)) {
            return inventory.list(null);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private GatewayRecord gateway(String id) {
        return gateways().stream().filter(g -> g.id().equals(id)).findFirst().orElseThrow();
    }

    private DesiredState desired(String id) {
        try (DesiredStates states = new DesiredStates(database)) {
            return states.find(id).orElseThrow(() -> new AssertionError("no desired state for " + id));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<ReconcileSteps.Step> history(String id) {
        try (ReconcileSteps steps = new ReconcileSteps(database)) {
            return steps.history(id, 100);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<RolloutStore.Step> steps(String rolloutId) {
        try (RolloutStore store = new RolloutStore(database)) {
            return store.steps(rolloutId);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void awaitRollout(String id, String state) throws Exception {
        try (RolloutStore store = new RolloutStore(database)) {
            await("rollout " + id + " " + state, 60, () -> {
                try {
                    return state.equals(store.find(id).orElseThrow().state());
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
    }

    private static void await(String what, int seconds, BooleanSupplier done) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + seconds * 1_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + seconds + " s: " + what);
            }
            Thread.sleep(200);
        }
        LOG.info(() -> what + ": " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }
}
