package io.morphgate.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import io.morphgate.fleet.controller.FleetController;
import io.morphgate.fleet.desired.DesiredState;
import io.morphgate.fleet.desired.DesiredStates;
import io.morphgate.fleet.desired.Drift;
import io.morphgate.fleet.inventory.Database;
import io.morphgate.fleet.inventory.Inventory;
import io.morphgate.fleet.mqtt.BrokerSettings;
import io.morphgate.fleet.rollout.RolloutStore;
import io.morphgate.fleet.simulator.Behaviour;
import io.morphgate.fleet.simulator.SimulatedGateway;
import io.morphgate.fleet.simulator.Simulation;

/**
 * A broker node killed (SIGKILL) while a wave is applied: wave 1's gateways answer 300 ms after their command
 * arrives, and the node holding the most of them (not the controller's) dies as soon as they have it, before they
 * answer. Its gateways move to the other nodes; a reply
 * they could not send is asked for again when they are back online (same request id, answered from their reply
 * store). The rollout succeeds, every gateway has the rollout's budget and is in sync with its desired state, and
 * every step the controller recorded ran exactly once on its gateway.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeLossRolloutClusterTest {

    private static final Logger LOG = Logger.getLogger(NodeLossRolloutClusterTest.class.getName());
    private static final int GATEWAYS = 24;

    @TempDir
    static Path dir;

    private NatsCluster cluster;
    private Simulation simulation;
    private FleetController controller;
    private Database database;

    @BeforeAll
    void start() throws Exception {
        cluster = NatsCluster.start(dir.resolve("nats"));
        if (cluster == null) {
            return;
        }
        BrokerSettings broker = new BrokerSettings(cluster.servers(), null, null, 5);
        database = Database.open(Database.h2Url(dir.resolve("db")), "fleet", "");
        controller = FleetController.start(database, broker, "node-loss-controller", 60_000);
        simulation = Simulation.start(broker, "nl", GATEWAYS, 1000, 12, 60_000);
    }

    @AfterAll
    void stop() throws Exception {
        if (simulation != null) {
            simulation.close();
        }
        if (controller != null) {
            controller.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aRolloutCompletesThoughABrokerNodeDiesWhileAWaveIsApplied() throws Exception {
        Assumptions.assumeTrue(cluster != null, NatsCluster.MISSING);
        await("inventory: all online with budget and telemetry", 60, () -> inventoryReady());
        List<String> all = new ArrayList<>();
        simulation.gateways().forEach(g -> all.add(g.id()));
        try (Inventory inventory = new Inventory(database)) {
            inventory.addToGroup("node-loss", all);
        }
        // wave 0: nl-0001..0002; wave 1: nl-0003..0013, each answering 300 ms after its command arrives; the node
        // with the most of them (not the controller's) is killed as soon as they all have their command, so their
        // replies come due while they have no link
        List<SimulatedGateway> wave1 = all.subList(2, 13).stream().map(simulation::gateway).toList();
        wave1.forEach(g -> g.behave(new Behaviour(300, null, 0, false)));
        String spared = controller.currentServer();
        String dead = cluster.servers().stream().filter(s -> !s.equals(spared))
                .max((a, b) -> Long.compare(on(wave1, a), on(wave1, b))).orElseThrow();
        List<SimulatedGateway> cut = wave1.stream().filter(g -> dead.equals(g.currentServer())).toList();
        assertTrue(!cut.isEmpty(), "some of wave 1's gateways are on the node to kill");
        String node = "n" + (cluster.servers().indexOf(dead) + 1);
        assertEquals(0, fleet("deploy", "--group", "node-loss", "--id", "r-node-loss", "--max-latency-millis", "7",
                "--canary", "2", "--wave-size", "11", "--wave-pause", "0.5", "--health-wait", "2.5",
                "--command-timeout", "25"));
        awaitQuickly("wave 1's gateways on " + node + " have their command", 30, () -> cut.stream()
                .allMatch(g -> g.timesReceived("r-node-loss-apply-" + g.id()) > 0));
        cluster.kill(node);
        LOG.info(() -> "killed " + node + " with " + cut.size() + " of wave 1's 11 gateways on it; "
                + cluster.statusQuietly());

        awaitSucceeded(90);
        wave1.forEach(g -> g.behave(Behaviour.HEALTHY));
        steps().forEach(st -> LOG.info(() -> st.gatewayId() + " wave " + st.wave() + " received "
                + simulation.gateway(st.gatewayId()).timesReceived(st.applyRequestId()) + ", ran "
                + simulation.gateway(st.gatewayId()).timesExecuted(st.applyRequestId())));
        assertTrue(simulation.gateways().stream().allMatch(g -> g.connected() && !dead.equals(g.currentServer())),
                "every gateway reconnected to a live node");
        int repeats = 0;
        try (DesiredStates desired = new DesiredStates(database)) {
            for (RolloutStore.Step step : steps()) {
                SimulatedGateway g = simulation.gateway(step.gatewayId());
                assertEquals("OK", step.applyState(), step.toString());
                assertEquals("HEALTHY", step.health(), step.toString());
                assertEquals(1, g.timesExecuted(step.applyRequestId()), step.gatewayId() + " ran its step once");
                int received = g.timesReceived(step.applyRequestId());
                assertTrue(received >= 1, step.gatewayId() + " received its step");
                if (!cut.contains(g)) {
                    assertEquals(1, received, step.gatewayId() + ": a gateway that kept its node gets its step once");
                }
                repeats += received - 1;
                assertEquals(7, g.budget().get("maxLatencyMillis").getAsLong(), step.gatewayId() + " " + g.budget());
                DesiredState d = desired.find(step.gatewayId()).orElseThrow();
                assertEquals(Drift.IN_SYNC, d.status(), d.toString());
                assertEquals("r-node-loss", d.source());
            }
        }
        int r = repeats;
        LOG.info(() -> "every step ran once; " + r + " repeated deliveries answered from the gateways' reply stores");
    }

    private boolean inventoryReady() {
        try (Inventory inventory = new Inventory(database)) {
            var rows = inventory.list(null);
            return rows.size() == GATEWAYS && rows.stream().allMatch(g -> g.online() && g.budget() != null
                    && g.telemetryAt() != null);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long on(List<SimulatedGateway> gateways, String server) {
        return gateways.stream().filter(g -> server.equals(g.currentServer())).count();
    }

    private static int fleet(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--db", Database.h2Url(dir.resolve("db"))));
        return Fleet.commandLine().execute(all.toArray(String[]::new));
    }

    private List<RolloutStore.Step> steps() {
        try (RolloutStore store = new RolloutStore(database)) {
            return store.steps("r-node-loss");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits for the rollout to end, then requires SUCCEEDED (a rollback fails at once, with the steps). */
    private void awaitSucceeded(int seconds) throws Exception {
        try (RolloutStore store = new RolloutStore(database)) {
            await("rollout r-node-loss finished", seconds, () -> {
                try {
                    return List.of("SUCCEEDED", "ROLLED_BACK", "ROLLBACK_FAILED")
                            .contains(store.find("r-node-loss").orElseThrow().state());
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            RolloutStore.Rollout r = store.find("r-node-loss").orElseThrow();
            assertEquals("SUCCEEDED", r.state(), r + " " + store.steps("r-node-loss"));
        }
    }

    private static void await(String what, int seconds, BooleanSupplier done) throws InterruptedException {
        await(what, seconds, done, 200);
    }

    /** Polls every 10 ms: the kill must follow the commands' arrival closely. */
    private static void awaitQuickly(String what, int seconds, BooleanSupplier done) throws InterruptedException {
        await(what, seconds, done, 10);
    }

    private static void await(String what, int seconds, BooleanSupplier done, long pollMillis) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + seconds * 1_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + seconds + " s: " + what);
            }
            Thread.sleep(pollMillis);
        }
        LOG.info(() -> what + ": " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }
}
