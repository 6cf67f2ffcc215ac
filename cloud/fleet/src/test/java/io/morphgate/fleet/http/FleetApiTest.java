package io.morphgate.fleet.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.morphgate.fleet.inventory.Database;
import io.morphgate.fleet.rollout.RolloutStore;

/**
 * The HTTP/JSON API on a real H2 database written by the stores (FleetFixture), over HTTP with the JDK's client:
 * each endpoint's shape, the filters, and the errors (400 with the field, 404, 405, 409, 403, 415).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FleetApiTest {

    @TempDir
    static Path dir;

    private Database database;
    private FleetApi api;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() throws Exception {
        database = FleetFixture.create(dir);
        api = FleetApi.start(database, "127.0.0.1", 0);
    }

    @AfterAll
    void stop() {
        if (api != null) {
            api.close();
        }
    }

    @Test
    void gatewaysListEveryGatewayWithItsDesiredState() throws Exception {
        JsonObject all = get("/api/v1/gateways", 200);
        assertEquals(4, all.get("count").getAsInt());
        assertEquals(3, all.get("online").getAsInt());
        assertEquals(List.of("gw-1", "gw-2", "gw-3", "gw-4"), ids(all.getAsJsonArray("gateways"), "id"));
        JsonObject one = all.getAsJsonArray("gateways").get(0).getAsJsonObject();
        assertTrue(one.get("online").getAsBoolean());
        assertEquals("fashion-mnist", one.getAsJsonObject("model").get("id").getAsString());
        assertEquals(5, one.getAsJsonObject("budget").get("maxLatencyMillis").getAsInt(), "budget as JSON");
        assertEquals("in-sync", one.getAsJsonObject("desired").get("status").getAsString());
        assertEquals(0.005, one.get("failureRate").getAsDouble());
        assertEquals("[\"edge\"]", one.get("groups").toString());
        assertTrue(all.getAsJsonArray("gateways").get(1).getAsJsonObject().get("desired").isJsonNull(),
                "gw-2: nothing desired");

        assertEquals(List.of("gw-1", "gw-2", "gw-3"), ids(get("/api/v1/gateways?group=edge", 200)
                .getAsJsonArray("gateways"), "id"));
        JsonObject drifted = get("/api/v1/gateways?drifted=true", 200);
        assertEquals(List.of("gw-3", "gw-4"), ids(drifted.getAsJsonArray("gateways"), "id"));
        JsonObject three = drifted.getAsJsonArray("gateways").get(0).getAsJsonObject().getAsJsonObject("desired");
        assertEquals("drifted", three.get("status").getAsString());
        assertEquals("maxLatencyMillis: desired 5, reported 9", three.get("difference").getAsString());
        assertEquals(List.of("gw-3"), ids(get("/api/v1/gateways?group=edge&drifted=true", 200)
                .getAsJsonArray("gateways"), "id"));
    }

    @Test
    void oneGatewayOrNotFound() throws Exception {
        JsonObject four = get("/api/v1/gateways/gw-4", 200);
        assertFalse(four.get("online").getAsBoolean());
        assertEquals("pending", four.getAsJsonObject("desired").get("status").getAsString());
        assertEquals("1.2.0", four.getAsJsonObject("versions").get("api").getAsString());
        assertError(get("/api/v1/gateways/gw-9", 404), "NOT_FOUND", null);
        assertError(get("/api/v1/gateways?drifted=yes", 400), "INVALID_ARGUMENT", "drifted");
        assertError(get("/api/v1/nothing", 404), "NOT_FOUND", null);
    }

    @Test
    void aRunningRolloutShowsItsWavesGatesAndSteps() throws Exception {
        JsonObject list = get("/api/v1/rollouts", 200);
        assertTrue(ids(list.getAsJsonArray("rollouts"), "id").containsAll(List.of("r-done", "r-live")), list.toString());

        JsonObject live = get("/api/v1/rollouts/r-live", 200);
        assertEquals("RUNNING", live.get("state").getAsString());
        assertEquals(7, live.getAsJsonObject("budget").get("maxLatencyMillis").getAsInt());
        assertEquals(3, live.get("gateways").getAsInt());
        assertEquals(1, live.get("currentWave").getAsInt());
        assertEquals("{\"OK\":2,\"SENT\":1}", live.getAsJsonObject("apply").toString());
        assertEquals(30.0, live.getAsJsonObject("plan").get("healthWaitSeconds").getAsDouble());
        JsonObject canary = live.getAsJsonArray("waves").get(0).getAsJsonObject();
        assertTrue(canary.get("canary").getAsBoolean());
        assertEquals("PASSED", canary.get("phase").getAsString());
        assertEquals("{\"bad\":0,\"counted\":1,\"decided\":true,\"passed\":true}",
                canary.getAsJsonObject("gates").get("health").toString());
        JsonObject second = live.getAsJsonArray("waves").get(1).getAsJsonObject();
        assertEquals("APPLYING", second.get("phase").getAsString());
        assertTrue(second.getAsJsonObject("gates").get("health").isJsonNull(), "no health gate before the apply gate");
        assertEquals(List.of("gw-2", "gw-3"), ids(second.getAsJsonArray("steps"), "gatewayId"));
        JsonObject step = second.getAsJsonArray("steps").get(1).getAsJsonObject();
        assertEquals("r-live-apply-gw-3", step.get("applyRequestId").getAsString());
        assertEquals("SENT", step.get("applyState").getAsString());
        assertEquals(9, step.getAsJsonObject("previousBudget").get("maxLatencyMillis").getAsInt());

        JsonObject done = get("/api/v1/rollouts/r-done", 200);
        JsonObject wave1 = done.getAsJsonArray("waves").get(1).getAsJsonObject();
        assertEquals("PASSED", wave1.get("phase").getAsString());
        assertEquals("{\"OK\":1,\"SKIPPED\":1}", wave1.getAsJsonObject("apply").toString());
        assertEquals(1, wave1.getAsJsonObject("gates").getAsJsonObject("apply").get("counted").getAsInt(),
                "a skipped gateway is not counted by the gate");
        assertError(get("/api/v1/rollouts/r-none", 404), "NOT_FOUND", null);
        assertError(get("/api/v1/rollouts?limit=0", 400), "INVALID_ARGUMENT", "limit");
    }

    @Test
    void postingARolloutValidatesItAsDeployDoes() throws Exception {
        HttpResponse<String> created = post("/api/v1/rollouts", "{\"id\":\"r-api\",\"group\":\"edge\",\"gateways\":"
                + "[\"gw-4\"],\"budget\":{\"maxLatencyMillis\":6},\"canary\":2,\"waveSize\":1,\"healthWaitSeconds\":2}");
        assertEquals(201, created.statusCode(), created.body());
        assertEquals("/api/v1/rollouts/r-api", created.headers().firstValue("Location").orElseThrow());
        JsonObject r = JsonParser.parseString(created.body()).getAsJsonObject();
        assertEquals("PENDING", r.get("state").getAsString());
        assertEquals(3, r.get("waveCount").getAsInt(), "canary of 2, then waves of 1 for 4 gateways");
        assertEquals(2.0, r.getAsJsonObject("plan").get("healthWaitSeconds").getAsDouble());
        assertEquals(30.0, r.getAsJsonObject("plan").get("wavePauseSeconds").getAsDouble(), "the deploy default");
        assertEquals("WAITING", r.getAsJsonArray("waves").get(0).getAsJsonObject().get("phase").getAsString());

        assertError(post("/api/v1/rollouts", "{\"id\":\"r-api\",\"gateways\":[\"gw-1\"],\"budget\":{\"maxMacs\":1}}"),
                409, "ALREADY_EXISTS", "id");
        assertError(post("/api/v1/rollouts", "{\"gateways\":[\"gw-1\"]}"), 400, "INVALID_ARGUMENT", "budget");
        assertError(post("/api/v1/rollouts", "{\"gateways\":[\"gw-1\"],\"budget\":{\"maxLatencyMillis\":0}}"), 400,
                "INVALID_ARGUMENT", "budget.maxLatencyMillis");
        assertError(post("/api/v1/rollouts", "{\"gateways\":[\"gw-1\"],\"budget\":{\"maxLatency\":5}}"), 400,
                "INVALID_ARGUMENT", "budget.maxLatency");
        assertError(post("/api/v1/rollouts", "{\"gateways\":[\"gw-1\"],\"budget\":{\"maxMacs\":5},\"waveSize\":0}"),
                400, "INVALID_ARGUMENT", "waveSize");
        assertError(post("/api/v1/rollouts", "{\"gateways\":[\"gw-1\"],\"budget\":{\"maxMacs\":5},\"canary\":1.5}"),
                400, "INVALID_ARGUMENT", "canary");
        assertError(post("/api/v1/rollouts", "{\"gateways\":[\"gw-1\"],\"budget\":{\"maxMacs\":5},\"maxBadShare\":2}"),
                400, "INVALID_ARGUMENT", "maxBadShare");
        assertError(post("/api/v1/rollouts", "{\"group\":\"nobody\",\"budget\":{\"maxMacs\":5}}"), 400,
                "INVALID_ARGUMENT", "group");
        assertError(post("/api/v1/rollouts", "{\"budget\":{\"maxMacs\":5}}"), 400, "INVALID_ARGUMENT", "group");
        assertError(post("/api/v1/rollouts", "{\"gateways\":\"gw-1\",\"budget\":{\"maxMacs\":5}}"), 400,
                "INVALID_ARGUMENT", "gateways");
        assertError(post("/api/v1/rollouts", "{\"id\":\"no spaces\",\"gateways\":[\"gw-1\"],\"budget\":{\"maxMacs\":5}}"),
                400, "INVALID_ARGUMENT", "id");
        assertError(post("/api/v1/rollouts", "[1]"), 400, "INVALID_ARGUMENT", null);
        assertError(post("/api/v1/rollouts", "{"), 400, "INVALID_ARGUMENT", null);

        HttpResponse<String> plainText = http.send(HttpRequest.newBuilder(uri("/api/v1/rollouts"))
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertError(plainText, 415, "UNSUPPORTED_MEDIA_TYPE", null);
        HttpResponse<String> otherOrigin = http.send(HttpRequest.newBuilder(uri("/api/v1/rollouts/r-api/abort"))
                .header("Origin", "http://evil.example").POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertError(otherOrigin, 403, "FORBIDDEN_ORIGIN", null);
    }

    @Test
    void abortAsksTheControllerToStopARunningRolloutOnly() throws Exception {
        HttpResponse<String> aborted = post("/api/v1/rollouts/r-live/abort", "");
        assertEquals(202, aborted.statusCode(), aborted.body());
        assertTrue(JsonParser.parseString(aborted.body()).getAsJsonObject().get("abortRequested").getAsBoolean());
        try (RolloutStore store = new RolloutStore(database)) {
            assertTrue(store.find("r-live").orElseThrow().abortRequested(), "written for the controller to see");
        }
        assertError(post("/api/v1/rollouts/r-done/abort", ""), 409, "NOT_RUNNING", null);
        assertError(post("/api/v1/rollouts/r-none/abort", ""), 404, "NOT_FOUND", null);
        HttpResponse<String> getAbort = http.send(HttpRequest.newBuilder(uri("/api/v1/rollouts/r-live/abort")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertError(getAbort, 405, "METHOD_NOT_ALLOWED", null);
        assertEquals("POST", getAbort.headers().firstValue("Allow").orElseThrow());
        HttpResponse<String> delete = http.send(HttpRequest.newBuilder(uri("/api/v1/gateways")).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertError(delete, 405, "METHOD_NOT_ALLOWED", null);
    }

    @Test
    void thePageIsServedAtTheRoot() throws Exception {
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(uri("/")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
        assertTrue(page.body().contains("/api/v1/gateways"), "the page polls the API");
        assertEquals(404, http.send(HttpRequest.newBuilder(uri("/other.js")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    private JsonObject get(String path, int status) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(status, response.statusCode(), path + ": " + response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
        return JsonParser.parseString(response.body()).getAsJsonObject();
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path));
        if (!body.isEmpty()) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create(api.address() + path);
    }

    private static void assertError(HttpResponse<String> response, int status, String code, String field) {
        assertEquals(status, response.statusCode(), response.body());
        assertError(JsonParser.parseString(response.body()).getAsJsonObject(), code, field);
    }

    private static void assertError(JsonObject body, String code, String field) {
        JsonObject error = body.getAsJsonObject("error");
        assertEquals(code, error.get("code").getAsString(), body.toString());
        assertFalse(error.get("message").getAsString().isBlank());
        assertEquals(field, error.has("field") ? error.get("field").getAsString() : null, body.toString());
    }

    private static List<String> ids(Iterable<JsonElement> items, String name) {
        List<String> ids = new ArrayList<>();
        items.forEach(e -> ids.add(e.getAsJsonObject().get(name).getAsString()));
        return ids;
    }
}
