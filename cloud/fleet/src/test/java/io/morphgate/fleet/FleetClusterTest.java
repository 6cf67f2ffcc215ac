package io.morphgate.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonObject;

import io.morphgate.fleet.controller.FleetController;
import io.morphgate.fleet.inventory.Database;
import io.morphgate.fleet.inventory.GatewayRecord;
import io.morphgate.fleet.inventory.Inventory;
import io.morphgate.fleet.mqtt.BrokerSettings;
import io.morphgate.fleet.simulator.Behaviour;
import io.morphgate.fleet.simulator.SimulatedGateway;
import io.morphgate.fleet.simulator.Simulation;

/**
 * The fleet on a real 3-node NATS cluster (nats-cluster.sh): 150 simulated gateways and the controller with an H2
 * file database. The inventory lists them all with their model and budget; a crashed gateway goes offline and comes
 * back; with one node killed, everyone reconnects and the inventory and commands keep working.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FleetClusterTest {

    private static final Logger LOG = Logger.getLogger(FleetClusterTest.class.getName());
    private static final int GATEWAYS = 150;

    @TempDir
    static Path dir;

    private NatsCluster cluster;
    private Simulation simulation;
    private FleetController controller;
    private Database database;

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
        BrokerSettings broker = new BrokerSettings(cluster.servers(), null, null, 5);
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

    @Test
    void inventoryListsEveryGatewayThenSurvivesANodeKilled() throws Exception {
        awaitInventory("all online with model and budget", 60, rows -> rows.size() == GATEWAYS
                && rows.stream().allMatch(g -> g.online() && "fashion-mnist".equals(g.modelId()) && g.budget() != null
                        && g.telemetryAt() != null));
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
