package io.morphgate.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
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

import com.google.gson.JsonObject;

import io.morphgate.fleet.controller.FleetController;
import io.morphgate.fleet.desired.DesiredState;
import io.morphgate.fleet.desired.DesiredStates;
import io.morphgate.fleet.desired.Drift;
import io.morphgate.fleet.inventory.Database;
import io.morphgate.fleet.inventory.GatewayRecord;
import io.morphgate.fleet.inventory.Inventory;
import io.morphgate.fleet.mqtt.BrokerSettings;
import io.morphgate.fleet.rollout.RolloutStore;
import io.morphgate.fleet.simulator.Behaviour;
import io.morphgate.fleet.simulator.SimulatedGateway;
import io.morphgate.fleet.simulator.Simulation;

/**
 * The fleet on a real 3-node NATS cluster (nats-cluster.sh): 150 simulated gateways and the controller with an H2
 * file database. A budget rollout whose canary turns unhealthy aborts and rolls back; a rollout resumes after a
 * controller restart without sending a step twice; the inventory lists every gateway with its model and budget; a
 * crashed gateway goes offline and comes back; with one node killed, everyone reconnects and the inventory and
 * commands keep working.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetClusterTest {

    private static final Logger LOG = Logger.getLogger(FleetClusterTest.class.getName());
    private static final int GATEWAYS = 150;

    @TempDir
    static Path dir;

    private NatsCluster cluster;
    private Simulation simulation;
    private FleetController controller;
    private Database database;
    private BrokerSettings broker;

    @BeforeAll
    void start() throws Exception {
        // connection events of the sessions (lost, connect failed, connected with or without session) in the report
        Logger mqtt = Logger.getLogger("io.morphgate.fleet.mqtt");
        mqtt.setLevel(Level.FINE);
        ConsoleHandler handler = new ConsoleHandler();
        handler.setLevel(Level.FINE);
        mqtt.addHandler(handler);
        mqtt.setUseParentHandlers(false);
        cluster = NatsCluster.start(dir.resolve("nats"));
        if (cluster == null) {
            return;
        }
        broker = new BrokerSettings(cluster.servers(), null, null, 5);
        database = Database.open(Database.h2Url(dir.resolve("db")), "fleet", "");
        long t0 = System.nanoTime();
        controller = FleetController.start(database, broker, "fleet-test-controller", 60_000);
        simulation = Simulation.start(broker, "gw", GATEWAYS, 1000, 25, 120_000);
        LOG.info(() -> "controller and " + GATEWAYS + " gateways up in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
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

    private void awaitFullInventory() throws Exception {
        Assumptions.assumeTrue(cluster != null, NatsCluster.MISSING);
        awaitInventory("all online with model and budget", 60, rows -> rows.size() == GATEWAYS
                && rows.stream().allMatch(g -> g.online() && "fashion-mnist".equals(g.modelId()) && g.budget() != null
                        && g.telemetryAt() != null));
    }

    @Test
    @Order(1)
    void canaryTurnsUnhealthySoTheRolloutAbortsAndRollsBack() throws Exception {
        awaitFullInventory();
        List<String> group = ids(101, 120);
        try (Inventory inventory = new Inventory(database)) {
            inventory.addToGroup("canary-test", group);
        }
        group.forEach(id -> simulation.gateway(id).behave(new Behaviour(0, null, 0, true)));
        assertEquals(0, fleet("deploy", "--group", "canary-test", "--id", "r-canary", "--max-latency-millis", "5",
                "--canary", "2", "--wave-size", "6", "--wave-pause", "0.5", "--health-wait", "2.5", "--max-bad-share", "0.2",
                "--command-timeout", "10"));

        awaitRollout("r-canary", "ROLLED_BACK", 60);
        try (RolloutStore store = new RolloutStore(database); DesiredStates desired = new DesiredStates(database)) {
            String reason = store.find("r-canary").orElseThrow().reason();
            assertEquals("2 of 2 changed gateways of wave 0 unhealthy", reason);
            for (RolloutStore.Step step : store.steps("r-canary")) {
                SimulatedGateway g = simulation.gateway(step.gatewayId());
                if (step.wave() == 0) {
                    assertEquals("OK", step.applyState(), step.toString());
                    assertEquals("UNHEALTHY", step.health(), step.toString());
                    assertEquals("OK", step.rollbackState(), step.toString());
                    assertEquals(1, g.timesExecuted(step.applyRequestId()));
                    assertEquals(1, g.timesExecuted(step.rollbackRequestId()));
                    // its desired state back to what it was before the rollout: nothing
                    DesiredState d = desired.find(step.gatewayId()).orElseThrow();
                    assertFalse(d.hasBudget(), d.toString());
                    assertEquals("r-canary rolled back", d.source());
                    assertEquals(2, d.revision(), "set by the step, then restored");
                    assertEquals(Drift.IN_SYNC, d.status(), d.toString());
                } else {
                    assertEquals("PENDING", step.applyState(), step.toString());
                    assertEquals(0, g.timesReceived(step.applyRequestId()), "a later wave is never sent");
                    assertTrue(desired.find(step.gatewayId()).isEmpty(), "a step never sent changes no desired state");
                }
                // back to the budget it had (no limit at all), and healthy again
                assertTrue(g.budget().get("maxLatencyMillis").isJsonNull(), step.gatewayId() + " " + g.budget());
                assertTrue(!g.unhealthy(), step.gatewayId());
            }
        }
        assertEquals(0, fleet("status", "r-canary", "--steps"));
    }

    @Test
    @Order(2)
    void aRolloutResumesAfterAControllerRestartWithoutSendingAStepTwice() throws Exception {
        awaitFullInventory();
        List<String> group = ids(121, 150);
        try (Inventory inventory = new Inventory(database)) {
            inventory.addToGroup("resume-test", group);
        }
        // wave 1's gateways answer 3 s late: the controller is stopped while their commands are out, unanswered
        List<String> slow = ids(123, 136);
        slow.forEach(id -> simulation.gateway(id).behave(new Behaviour(3000, null, 0, false)));
        assertEquals(0, fleet("deploy", "--group", "resume-test", "--id", "r-resume", "--max-macs", "2000000",
                "--canary", "2", "--wave-size", "14", "--wave-pause", "2", "--health-wait", "1.5",
                "--command-timeout", "10"));
        await("canary healthy, wave 1 sent", 30, () -> steps("r-resume").stream()
                .allMatch(st -> st.wave() == 0 ? "HEALTHY".equals(st.health())
                        : st.wave() == 1 ? "SENT".equals(st.applyState()) : "PENDING".equals(st.applyState())));
        controller.close();
        controller = null;
        assertTrue(steps("r-resume").stream().filter(st -> st.wave() == 1).allMatch(st -> "SENT".equals(st.applyState())),
                "wave 1 was sent and not answered when the controller stopped");
        Thread.sleep(1000);
        controller = FleetController.start(database, broker, "fleet-test-controller", 60_000);

        awaitRollout("r-resume", "SUCCEEDED", 60);
        for (RolloutStore.Step step : steps("r-resume")) {
            SimulatedGateway g = simulation.gateway(step.gatewayId());
            assertEquals("OK", step.applyState(), step.toString());
            assertEquals("HEALTHY", step.health(), step.toString());
            assertEquals(1, g.timesExecuted(step.applyRequestId()), step.gatewayId() + " ran its step once");
            if (step.wave() == 1) {
                // sent again by the new controller, with the same request id: answered from the gateway's store
                assertEquals(2, g.timesReceived(step.applyRequestId()), step.gatewayId());
            } else {
                assertEquals(1, g.timesReceived(step.applyRequestId()), step.gatewayId() + " got its step once");
            }
            assertEquals(2000000, g.budget().get("maxMacs").getAsLong());
        }
        slow.forEach(id -> simulation.gateway(id).behave(Behaviour.HEALTHY));
    }

    @Test
    @Order(3)
    void inventoryListsEveryGatewayThenSurvivesANodeKilled() throws Exception {
        awaitFullInventory();
        try (Inventory inventory = new Inventory(database)) {
            GatewayRecord first = inventory.list(null).get(0);
            assertEquals("gw-0001", first.id());
            assertEquals("1.0.0", first.modelVersion());
            assertEquals("default", first.configurationId());
            assertTrue(first.budget().contains("\"maxLatencyMillis\":null"), first.budget());
        }

        // a gateway that crashes on a command: no reply, the last will says offline, then it comes back
        SimulatedGateway crasher = simulation.gateway("gw-0007");
        crasher.behave(new Behaviour(0, "status", 3000, false));
        CompletableFuture<JsonObject> lost = controller.commands().send("gw-0007", "status", "crash-1", new JsonObject(), 2000);
        assertTrue(lost.handle((r, e) -> e != null).get(), "a crashed gateway does not answer");
        awaitInventory("gw-0007 offline", 30, rows -> rows.stream().anyMatch(g -> g.id().equals("gw-0007") && !g.online()));
        awaitInventory("gw-0007 back online", 30, rows -> rows.stream().anyMatch(g -> g.id().equals("gw-0007") && g.online()));

        // kill the node the controller is on (so it must move too), with a third of the gateways
        String leader = cluster.metaLeader();
        String node = "n" + (cluster.servers().indexOf(controller.currentServer()) + 1);
        String dead = cluster.servers().get(Integer.parseInt(node.substring(1)) - 1);
        long onNode = simulation.gateways().stream().filter(g -> dead.equals(g.currentServer())).count();
        Instant killed = Instant.now();
        cluster.kill(node);
        String killedNode = node;
        LOG.info(() -> "killed " + killedNode + " (JetStream meta leader " + leader + ")" + " with " + onNode + " gateways on it; " + cluster.statusQuietly());
        assertTrue(onNode > 0, "some gateways were on the killed node");

        await("every gateway and the controller reconnected to another node", 60, () -> isUp(controller.currentServer(), dead)
                && simulation.gateways().stream().allMatch(g -> isUp(g.currentServer(), dead)));
        awaitInventory("telemetry of every gateway after the kill", 60, rows -> rows.size() == GATEWAYS
                && rows.stream().allMatch(g -> g.telemetryAt() != null && g.telemetryAt().isAfter(killed.plusSeconds(1))));

        // commands still answered, by gateways that were on every node
        List<CompletableFuture<JsonObject>> replies = new ArrayList<>();
        for (int i = 1; i <= GATEWAYS; i += 10) {
            String id = String.format("gw-%04d", i);
            replies.add(controller.commands().send(id, "status", "after-kill-" + i, new JsonObject(), 30_000));
        }
        for (CompletableFuture<JsonObject> reply : replies) {
            JsonObject r = reply.get();
            assertEquals("ok", r.get("status").getAsString(), r.toString());
            assertEquals("SERVING", r.getAsJsonObject("result").getAsJsonObject("model").get("state").getAsString());
        }
    }

    private static List<String> ids(int from, int to) {
        List<String> ids = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            ids.add(String.format("gw-%04d", i));
        }
        return ids;
    }

    /** The command line, as a person types it, on the test's database. */
    private static int fleet(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--db", Database.h2Url(dir.resolve("db"))));
        return Fleet.commandLine().execute(all.toArray(String[]::new));
    }

    private List<RolloutStore.Step> steps(String rolloutId) {
        try (RolloutStore store = new RolloutStore(database)) {
            return store.steps(rolloutId);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void awaitRollout(String id, String state, int seconds) throws Exception {
        try (RolloutStore store = new RolloutStore(database)) {
            try {
                await("rollout " + id + " " + state, seconds, () -> {
                    try {
                        return state.equals(store.find(id).orElseThrow().state());
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + ": " + store.find(id) + " " + store.steps(id), e);
            }
        }
    }

    private static boolean isUp(String server, String dead) {
        return server != null && !server.equals(dead);
    }

    private void awaitInventory(String what, int seconds, Predicate<List<GatewayRecord>> done) throws Exception {
        try (Inventory inventory = new Inventory(database)) {
            try {
                await(what, seconds, () -> {
                    try {
                        return done.test(inventory.list(null));
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
            } catch (AssertionError e) {
                List<GatewayRecord> rows = inventory.list(null);
                throw new AssertionError(e.getMessage() + "; inventory: " + rows.size() + " rows, "
                        + rows.stream().filter(GatewayRecord::online).count() + " online, "
                        + rows.stream().filter(g -> g.modelId() != null).count() + " with model, "
                        + rows.stream().filter(g -> g.budget() != null).count() + " with budget, "
                        + rows.stream().filter(g -> g.telemetryAt() != null).count() + " with telemetry; first: "
                        + rows.stream().findFirst().orElse(null) + "; oldest telemetry: "
                        + rows.stream().filter(g -> g.telemetryAt() != null)
                                .sorted(java.util.Comparator.comparing(GatewayRecord::telemetryAt)).limit(5)
                                .map(g -> g.id() + "@" + g.telemetryAt() + " on " + simulation.gateway(g.id()).currentServer())
                                .toList(), e);
            }
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
