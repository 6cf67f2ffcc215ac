package io.morphgate.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.morphgate.fleet.controller.FleetController;
import io.morphgate.fleet.http.FleetApi;
import io.morphgate.fleet.inventory.Database;
import io.morphgate.fleet.inventory.Inventory;
import io.morphgate.fleet.mqtt.BrokerSettings;
import io.morphgate.fleet.simulator.Simulation;

/**
 * The HTTP API in front of a real controller: a 3-node NATS cluster (nats-cluster.sh), 8 simulated gateways, the
 * controller and the API on one H2 file database. A rollout posted to the API runs wave by wave and the API shows
 * it as it goes and at the end (every wave passed, every gateway in sync); a rollout aborted through the API is
 * rolled back by the controller.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetApiClusterTest {

    private static final int GATEWAYS = 8;

    @TempDir
    static Path dir;

    private NatsCluster cluster;
    private Simulation simulation;
    private FleetController controller;
    private FleetApi api;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() throws Exception {
        cluster = NatsCluster.start(dir.resolve("nats"));
        if (cluster == null) {
            return;
        }
        BrokerSettings broker = new BrokerSettings(cluster.servers(), null, null, 5);
        Database database = Database.open(Database.h2Url(dir.resolve("db")), "fleet", "");
        controller = FleetController.start(database, broker, "api-test-controller", 60_000);
        simulation = Simulation.start(broker, "api", GATEWAYS, 500, 8, 60_000);
        api = FleetApi.start(database, "127.0.0.1", 0);
        try (Inventory inventory = new Inventory(database)) {
            inventory.addToGroup("edge", List.of("api-0001", "api-0002", "api-0003", "api-0004", "api-0005"));
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (api != null) {
            api.close();
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
    }

    @Test
    @Order(1)
    void aRolloutPostedToTheApiRunsInWavesAndTheApiFollowsIt() throws Exception {
        Assumptions.assumeTrue(cluster != null, NatsCluster.MISSING);
        await("every gateway online with its budget", 60, () -> {
            JsonObject all = get("/api/v1/gateways");
            return all.get("online").getAsInt() == GATEWAYS && every(all.getAsJsonArray("gateways"),
                    g -> !g.get("budget").isJsonNull() && !g.get("telemetryAt").isJsonNull());
        });
        HttpResponse<String> created = post("/api/v1/rollouts", "{\"id\":\"r-api\",\"group\":\"edge\",\"budget\":"
                + "{\"maxLatencyMillis\":5},\"canary\":1,\"waveSize\":2,\"wavePauseSeconds\":0.5,\"healthWaitSeconds\":1.5,"
                + "\"commandTimeoutSeconds\":10}");
        assertEquals(201, created.statusCode(), created.body());

        List<String> phases = new ArrayList<>(); // what the API showed of the canary wave while the rollout ran
        await("r-api succeeded", 60, () -> {
            JsonObject r = get("/api/v1/rollouts/r-api");
            phases.add(r.getAsJsonArray("waves").get(0).getAsJsonObject().get("phase").getAsString());
            return r.get("state").getAsString().equals("SUCCEEDED");
        });
        JsonObject done = get("/api/v1/rollouts/r-api");
        assertEquals(3, done.get("waveCount").getAsInt());
        assertEquals("{\"OK\":5}", done.getAsJsonObject("apply").toString());
        assertEquals("{\"HEALTHY\":5}", done.getAsJsonObject("health").toString());
        for (JsonElement w : done.getAsJsonArray("waves")) {
            assertEquals("PASSED", w.getAsJsonObject().get("phase").getAsString(), w.toString());
            assertTrue(w.getAsJsonObject().getAsJsonObject("gates").getAsJsonObject("health").get("passed").getAsBoolean());
        }
        assertTrue(phases.stream().anyMatch(p -> !p.equals("PASSED")), "the canary seen before it passed: " + phases);

        JsonObject edge = get("/api/v1/gateways?group=edge");
        assertTrue(every(edge.getAsJsonArray("gateways"), g -> g.getAsJsonObject("desired").get("status")
                .getAsString().equals("in-sync") && g.getAsJsonObject("budget").get("maxLatencyMillis").getAsInt() == 5),
                edge.toString());
        assertEquals(0, get("/api/v1/gateways?drifted=true").get("count").getAsInt());
    }

    @Test
    @Order(2)
    void aRolloutAbortedThroughTheApiIsRolledBack() throws Exception {
        Assumptions.assumeTrue(cluster != null, NatsCluster.MISSING);
        // a long pause after the canary: the abort comes while the controller waits for the next wave
        HttpResponse<String> created = post("/api/v1/rollouts", "{\"id\":\"r-stop\",\"group\":\"edge\",\"budget\":"
                + "{\"maxLatencyMillis\":9},\"canary\":1,\"waveSize\":4,\"wavePauseSeconds\":60,\"healthWaitSeconds\":1.5,"
                + "\"commandTimeoutSeconds\":10}");
        assertEquals(201, created.statusCode(), created.body());
        await("r-stop's canary passed", 30, () -> get("/api/v1/rollouts/r-stop").getAsJsonArray("waves").get(0)
                .getAsJsonObject().get("phase").getAsString().equals("PASSED"));
        HttpResponse<String> abort = post("/api/v1/rollouts/r-stop/abort", "");
        assertEquals(202, abort.statusCode(), abort.body());
        await("r-stop rolled back", 30, () -> get("/api/v1/rollouts/r-stop").get("state").getAsString()
                .equals("ROLLED_BACK"));
        JsonObject r = get("/api/v1/rollouts/r-stop");
        assertEquals("aborted by an operator", r.get("reason").getAsString());
        assertEquals("{\"OK\":1}", r.getAsJsonObject("rollback").toString(), "only the canary was changed");
        assertEquals("STOPPED", r.getAsJsonArray("waves").get(1).getAsJsonObject().get("phase").getAsString());
        JsonObject canary = get("/api/v1/gateways/api-0001");
        assertEquals(5, canary.getAsJsonObject("budget").get("maxLatencyMillis").getAsInt(), "r-api's budget back");
        assertEquals(409, post("/api/v1/rollouts/r-stop/abort", "").statusCode(), "not running any more");
    }

    private JsonObject get(String path) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(api.address() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), path + ": " + response.body());
            return JsonParser.parseString(response.body()).getAsJsonObject();
        } catch (Exception e) {
            throw new IllegalStateException(path + ": " + e, e);
        }
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.address() + path));
        if (!body.isEmpty()) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static boolean every(Iterable<JsonElement> items, Predicate<JsonObject> test) {
        for (JsonElement e : items) {
            if (!test.test(e.getAsJsonObject())) {
                return false;
            }
        }
        return true;
    }

    private static void await(String what, int seconds, java.util.function.BooleanSupplier done)
            throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + seconds + " s: " + what);
            }
            Thread.sleep(200);
        }
    }
}
