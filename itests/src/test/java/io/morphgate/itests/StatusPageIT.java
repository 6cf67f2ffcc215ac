package io.morphgate.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.ConfigurationAdmin;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.morphgate.api.inference.InferenceService;
import io.morphgate.api.model.ModelControl;

/**
 * The status page: its JSON carries the telemetry figures and the model, operators, budget and policy sections; in
 * Debian's chromium (headless) the page shows the serving configuration and follows a swap without a reload.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class StatusPageIT extends TestSupport {

    /** The fields of the MQTT telemetry message (docs/protocol.md; both write it with io.morphgate.wire.ServingJson). */
    private static final Set<String> TELEMETRY_FIELDS = new TreeSet<>(List.of("at", "state", "model", "configuration", "generation",
            "swaps", "p50LatencyMillis", "p99LatencyMillis", "requestsPerSecond", "requests", "failures", "windowSeconds",
            "heapUsedBytes", "heapMaxBytes", "uptimeSeconds"));

    private final HttpClient http = HttpClient.newHttpClient();
    private ModelControl control;
    private InferenceService inference;
    private String base;

    @Configuration
    public Option[] configuration() {
        List<String> bundles = new ArrayList<>();
        for (String feature : List.of("morphgate-core", FASHION_MNIST, "morphgate-operator-lowrank", "morphgate-serving")) {
            featureBundles(feature).stream().filter(id -> !id.contains("morphgate-inference-mqtt") && !bundles.contains(id))
                    .filter(id -> available(id) || !id.contains("morphgate-deployment")).forEach(bundles::add);
        }
        List<Option> options = new ArrayList<>(Arrays.asList(gatewayOptions(bundles)));
        options.add(frameworkProperty("org.osgi.service.http.port").value(Integer.toString(ServingInputs.freePort())));
        options.add(frameworkProperty("morphgate.gateway.id").value("status-itest"));
        return options.toArray(Option[]::new);
    }

    @Before
    public void services() {
        control = service(ModelControl.class, 30_000);
        inference = service(InferenceService.class, 30_000);
        base = "http://127.0.0.1:" + context.getProperty("org.osgi.service.http.port");
        await("the low-rank variants to be accepted", 60_000,
                () -> control.status().variants().stream().filter(v -> v.accepted()).count() >= 8);
        // Derived variants keep arriving for a while and each can change the serving configuration; the browser test
        // compares the page with one configuration id, so it starts from a settled model.
        awaitSettled("io.morphgate.operator.lowrank", 2_000);
        await("the status page to answer", 30_000, () -> {
            try {
                return get("/morphgate/status.json").statusCode() == 200;
            } catch (AssertionError notListeningYet) {
                return false;
            }
        });
    }

    @After
    public void unpinAndClearBudget() throws Exception {
        control.unpin(List.of("conv1", "conv2", "conv3", "conv4")).toCompletableFuture().get();
        service(ConfigurationAdmin.class, 1000).getConfiguration("morphgate.budget", "?").delete();
    }

    @Test
    public void statusJsonCarriesTheTelemetryFiguresAndEverySection() throws Exception {
        inference.infer(new float[inference.inputShape().elementCount()]);
        JsonObject status = json(get("/morphgate/status.json"));
        assertEquals("status-itest", status.get("gatewayId").getAsString());
        assertEquals(TELEMETRY_FIELDS, status.getAsJsonObject("telemetry").keySet());
        assertEquals(control.status().configuration().id(),
                status.getAsJsonObject("telemetry").getAsJsonObject("configuration").get("id").getAsString());
        assertTrue(status.getAsJsonObject("telemetry").get("requests").getAsLong() >= 1);
        JsonObject model = status.getAsJsonObject("model");
        assertEquals(control.status().model().orElseThrow().id(), model.getAsJsonObject("model").get("id").getAsString());
        assertEquals(status.getAsJsonObject("telemetry").get("model"), model.get("model"));
        assertEquals(control.status().slots().size(), model.getAsJsonArray("slots").size());
        assertEquals(control.status().variants().size(), model.getAsJsonArray("variants").size());
        boolean lowRank = false;
        for (JsonElement o : status.getAsJsonArray("operators")) {
            JsonObject operator = o.getAsJsonObject();
            if (operator.get("symbolicName").getAsString().equals("io.morphgate.operator.lowrank")) {
                lowRank = true;
                assertEquals("ACTIVE", operator.get("state").getAsString());
                assertTrue(operator.get("variantsOffered").getAsLong() >= 8);
            }
        }
        assertTrue("the low-rank operator bundle is listed: " + status.get("operators"), lowRank);
        assertFalse(status.getAsJsonObject("policy").get("installed").getAsBoolean());
        assertFalse(status.getAsJsonObject("budget").get("configured").getAsBoolean());
        assertTrue(status.getAsJsonObject("serving").get("capacity").getAsInt() > 0);

        Hashtable<String, Object> budget = new Hashtable<>();
        budget.put("maxMacs", 2_000_000L);
        service(ConfigurationAdmin.class, 1000).getConfiguration("morphgate.budget", "?").update(budget);
        JsonObject withBudget = json(get("/morphgate/status.json")).getAsJsonObject("budget");
        assertTrue(withBudget.get("configured").getAsBoolean());
        assertEquals(2_000_000L, withBudget.getAsJsonObject("limits").get("maxMacs").getAsLong());

        await("two history samples", 10_000, () -> json(get("/morphgate/status.json")).getAsJsonArray("history").size() >= 2);
    }

    @Test
    public void thePageAndItsFilesAreServedFromTheBundle() {
        HttpResponse<String> page = get("/morphgate/status/index.html");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(page.body().contains("status.js"));
        assertFalse("no CDN: every script and style is local", page.body().contains("http://") || page.body().contains("https://"));
        assertEquals(200, get("/morphgate/status/status.js").statusCode());
        assertEquals(200, get("/morphgate/status/status.css").statusCode());
        HttpResponse<String> redirect = get("/morphgate/status");
        assertEquals(302, redirect.statusCode());
        assertTrue(redirect.headers().firstValue("Location").orElse("").endsWith("/morphgate/status/index.html"));
    }

    @Test
    public void inChromiumThePageShowsTheServingConfigurationAndFollowsASwap() throws Exception {
        try (HeadlessChromium chromium = new HeadlessChromium(1280, 1600)) {
            chromium.navigate(base + "/morphgate/status/index.html");
            String before = control.status().configuration().id();
            await("the page to show configuration " + before, 30_000,
                    () -> chromium.text("document.getElementById('configuration-id').textContent").equals(before));
            assertEquals("No policy installed.", chromium.text("document.getElementById('policy').textContent"));
            String modelId = control.status().model().orElseThrow().id();
            assertTrue(chromium.text("document.getElementById('model-id').textContent").startsWith(modelId + " "));
            assertTrue(chromium.text("document.getElementById('operators').textContent").contains("io.morphgate.operator.lowrank"));

            control.pin("conv2", "lowrank-conv2-b0.5").toCompletableFuture().get();
            String after = control.status().configuration().id();
            assertFalse(before.equals(after));
            String[] shown = {""};
            try {
                await("the page to follow the swap to the configuration serving now without a reload", 30_000, () -> {
                    shown[0] = chromium.text("document.getElementById('configuration-id').textContent");
                    return shown[0].equals(control.status().configuration().id());
                });
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; the pin served " + after + ", the model serves "
                        + control.status().configuration().id() + ", the page shows '" + shown[0] + "', page error: '"
                        + chromium.text("document.getElementById('connection-error').textContent") + "'", e);
            }
            assertEquals("lowrank-conv2-b0.5",
                    chromium.text("document.querySelector('#slots tr[data-slot=conv2] td.serving').textContent"));
            assertTrue(chromium.text("document.getElementById('swaps').textContent").contains(shown[0]));
            Path shot = Path.of(System.getProperty("morphgate.itests.target", "target"), "status-page-itest.png");
            Files.write(shot, chromium.screenshotPng());
            assertTrue(Files.size(shot) > 10_000);
        }
    }

    private HttpResponse<String> get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError("GET " + path + ": " + e, e);
        }
    }

    private static JsonObject json(HttpResponse<String> response) {
        return JsonParser.parseString(response.body()).getAsJsonObject();
    }
}
