package io.morphgate.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

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

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.morphgate.api.evaluation.LabelledImages;
import io.morphgate.api.inference.InferenceResult;
import io.morphgate.api.inference.InferenceService;
import io.morphgate.api.serving.PredictionService;
import io.morphgate.evaluation.dataset.FashionMnist;

/**
 * Inference over HTTP through Felix HTTP Jetty on a real TCP port: Fashion-MNIST test images sent as PNG, JSON and
 * float32 come back classified exactly as the in-JVM inference service classifies them; bad input and floods get
 * their specific errors; batching gathers concurrent requests; the gateway keeps serving throughout.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class InferenceHttpIT extends TestSupport {

    private static final int IMAGES = 20;
    private static final double TOLERANCE = 1e-5;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private InferenceService inference;
    private ConfigurationAdmin cm;
    private URI infer;

    @Configuration
    public Option[] configuration() {
        List<String> bundles = new ArrayList<>();
        for (String feature : List.of("morphgate-core", FASHION_MNIST, "morphgate-operator-lowrank", "morphgate-evaluation", "morphgate-serving")) {
            featureBundles(feature).stream()
                    // the MQTT endpoint has its own test with a broker
                    .filter(id -> !id.contains("morphgate-inference-mqtt") && !bundles.contains(id))
                    .filter(id -> available(id) || !id.contains("morphgate-deployment"))
                    .forEach(bundles::add);
        }
        List<Option> options = new ArrayList<>(Arrays.asList(gatewayOptions(bundles)));
        options.add(frameworkProperty("org.osgi.service.http.port").value(Integer.toString(ServingInputs.freePort())));
        return options.toArray(Option[]::new);
    }

    @Before
    public void services() throws Exception {
        inference = service(InferenceService.class, 30_000);
        cm = service(ConfigurationAdmin.class, 10_000);
        service(PredictionService.class, 30_000);
        // results are compared with the in-JVM service's: the configuration must not change under the comparison
        awaitSettled("io.morphgate.operator.lowrank", 500);
        infer = URI.create("http://127.0.0.1:" + context.getProperty("org.osgi.service.http.port") + "/morphgate/v1/infer");
        await("the inference servlet to answer", 30_000, this::servletAnswers);
    }

    @After
    public void defaultServingConfiguration() throws Exception {
        cm.getConfiguration("morphgate.serving", "?").delete();
    }

    @Test
    public void fashionMnistImagesAreClassifiedAsTheInJvmServiceClassifiesThem() throws Exception {
        LabelledImages images = FashionMnist.read(FashionMnist.DEBIAN_DIRECTORY, FashionMnist.Split.TEST, IMAGES);
        int labels = inference.labels().size();
        for (int i = 0; i < IMAGES; i++) {
            float[] tensor = ServingInputs.normalised(images.pixels().get(i), inference);
            InferenceResult expected = inference.infer(tensor);
            byte[] png = ServingInputs.encode(ServingInputs.grey(images.pixels().get(i), images.width()), "png");
            for (Map.Entry<String, byte[]> body : Map.of("image/png", png, "application/json", ServingInputs.json(tensor),
                    "application/octet-stream", ServingInputs.float32(tensor)).entrySet()) {
                HttpResponse<String> response = post(body.getKey(), body.getValue(), "?top=" + labels);
                assertEquals(body.getKey() + ": " + response.body(), 200, response.statusCode());
                JsonObject reply = JsonParser.parseString(response.body()).getAsJsonObject();
                String what = "image " + i + " as " + body.getKey();
                assertEquals(what, expected.predictedClass(), reply.get("index").getAsInt());
                assertEquals(what, inference.labels().get(expected.predictedClass()), reply.get("label").getAsString());
                assertEquals(what, expected.configurationId(), reply.get("configurationId").getAsString());
                JsonArray top = reply.getAsJsonArray("top");
                assertEquals(labels, top.size());
                for (int k = 0; k < labels; k++) {
                    JsonObject score = top.get(k).getAsJsonObject();
                    int c = score.get("index").getAsInt();
                    assertEquals(what + " class " + c, expected.probabilities()[c], score.get("probability").getAsDouble(), TOLERANCE);
                    assertEquals(inference.labels().get(c), score.get("label").getAsString());
                }
                JsonObject timing = reply.getAsJsonObject("timing");
                assertTrue(timing.get("totalMillis").getAsDouble() >= timing.get("inferenceMillis").getAsDouble());
                assertTrue(timing.get("batchSize").getAsInt() >= 1);
            }
        }
    }

    @Test
    public void aJpegPhotoOfAnyColourAndSizeIsConvertedAndClassified() throws Exception {
        LabelledImages images = FashionMnist.read(FashionMnist.DEBIAN_DIRECTORY, FashionMnist.Split.TEST, 1);
        java.awt.image.BufferedImage small = ServingInputs.grey(images.pixels().get(0), images.width());
        java.awt.image.BufferedImage photo = new java.awt.image.BufferedImage(112, 112, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = photo.createGraphics();
        g.drawImage(small, 0, 0, 112, 112, null);
        g.dispose();
        HttpResponse<String> response = post("image/jpeg", ServingInputs.encode(photo, "jpeg"), "?top=1");
        assertEquals(response.body(), 200, response.statusCode());
        JsonObject reply = JsonParser.parseString(response.body()).getAsJsonObject();
        assertEquals(1, reply.getAsJsonArray("top").size());
        int inJvm = inference.infer(ServingInputs.normalised(images.pixels().get(0), inference)).predictedClass();
        assertEquals("the same garment, four times larger, in colour and JPEG-compressed", inJvm, reply.get("index").getAsInt());
    }

    @Test
    public void everyBadInputGetsItsSpecificErrorAndTheGatewayKeepsServing() throws Exception {
        float[] zeros = new float[784];
        byte[] png = ServingInputs.encode(ServingInputs.grey(zeros, 28), "png");
        byte[] truncatedPng = Arrays.copyOf(png, png.length / 2);
        byte[] hugePng = ServingInputs.encode(new java.awt.image.BufferedImage(4200, 4200,
                java.awt.image.BufferedImage.TYPE_BYTE_GRAY), "png");
        byte[] hugeBody = new byte[5 * 1024 * 1024];
        byte[] nan = ServingInputs.float32(zeros);
        java.nio.ByteBuffer.wrap(nan).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(40, Float.NaN);

        expectError("application/json", ServingInputs.json(new float[783]), "", 422, "WRONG_SHAPE");
        expectError("application/json", "{\"tensor\":[[1,2],[\"3\",4]]}".getBytes(), "", 422, "WRONG_TYPE");
        expectError("application/json", "{\"tensor\": [1, 2".getBytes(), "", 400, "MALFORMED_REQUEST");
        expectError("application/octet-stream", new byte[784 * 4 - 2], "", 422, "WRONG_SHAPE");
        expectError("application/octet-stream", nan, "", 422, "INVALID_VALUE");
        // NaN and infinity in JSON (Python's json.dumps writes these literals; 1e999 is beyond any float)
        String jsonZeros = new String(ServingInputs.json(zeros), java.nio.charset.StandardCharsets.UTF_8);
        expectError("application/json", jsonZeros.replaceFirst("0\\.0", "NaN").getBytes(), "", 422, "INVALID_VALUE");
        expectError("application/json", jsonZeros.replaceFirst("0\\.0", "-Infinity").getBytes(), "", 422, "INVALID_VALUE");
        expectError("application/json", jsonZeros.replaceFirst("0\\.0", "1e999").getBytes(), "", 422, "INVALID_VALUE");
        expectError("image/png", truncatedPng, "", 400, "CORRUPT_IMAGE");
        expectError("image/jpeg", png, "", 400, "CORRUPT_IMAGE");
        expectError("image/png", hugePng, "", 413, "IMAGE_TOO_LARGE");
        expectError("image/png", hugeBody, "", 413, "PAYLOAD_TOO_LARGE");
        expectError("text/csv", "1,2,3".getBytes(), "", 415, "UNSUPPORTED_MEDIA_TYPE");
        expectError("application/json", ServingInputs.json(zeros), "?top=many", 400, "MALFORMED_REQUEST");

        HttpResponse<String> get = http.send(HttpRequest.newBuilder(infer).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, get.statusCode());
        assertEquals(200, post("image/png", png, "").statusCode());
        assertTrue("bad inputs are counted as rejected", service(PredictionService.class, 1000).statistics().rejected() >= 14);
    }

    @Test
    public void aFloodBeyondTheQueueIsRefusedWith429AndTheGatewayKeepsServing() throws Exception {
        configureServing(1, 0, 2, 1);
        byte[] body = ServingInputs.float32(new float[784]);
        Map<Integer, AtomicInteger> statuses = flood(body, 32, 400);
        assertTrue("some requests are refused: " + statuses, statuses.containsKey(429));
        assertTrue("some requests are served: " + statuses, statuses.containsKey(200));
        assertTrue("only served or refused: " + statuses, statuses.keySet().stream().allMatch(s -> s == 200 || s == 429));
        assertTrue(service(PredictionService.class, 1000).statistics().refused() > 0);
        assertEquals("served after the flood", 200, post("application/octet-stream", body, "").statusCode());
    }

    @Test
    public void concurrentRequestsAreBatchedAndALoneRequestIsNot() throws Exception {
        configureServing(8, 20_000, 256, 1);
        byte[] body = ServingInputs.float32(new float[784]);
        List<Integer> batchSizes = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService clients = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < 320; i++) {
                calls.add(clients.submit(() -> {
                    HttpResponse<String> r = post("application/octet-stream", body, "");
                    assertEquals(r.body(), 200, r.statusCode());
                    batchSizes.add(JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonObject("timing").get("batchSize").getAsInt());
                    return null;
                }));
            }
            for (Future<?> call : calls) {
                call.get();
            }
        } finally {
            clients.shutdownNow();
        }
        assertTrue("16 concurrent clients share batches: " + batchSizes, batchSizes.stream().anyMatch(b -> b > 1));
        assertTrue("no batch exceeds the largest: " + batchSizes, batchSizes.stream().allMatch(b -> b <= 8));
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = post("application/octet-stream", body, "");
            assertEquals(1, JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonObject("timing").get("batchSize").getAsInt());
        }
    }

    private Map<Integer, AtomicInteger> flood(byte[] body, int threads, int requests) throws Exception {
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        ExecutorService clients = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                calls.add(clients.submit(() -> {
                    HttpResponse<String> r = post("application/octet-stream", body, "");
                    statuses.computeIfAbsent(r.statusCode(), s -> new AtomicInteger()).incrementAndGet();
                    if (r.statusCode() == 429) {
                        assertEquals("OVERLOADED", code(r));
                    }
                    return null;
                }));
            }
            for (Future<?> call : calls) {
                call.get();
            }
        } finally {
            clients.shutdownNow();
        }
        return statuses;
    }

    private void configureServing(int maxBatchSize, long maxDelayMicros, int queueCapacity, int workers) throws Exception {
        Hashtable<String, Object> config = new Hashtable<>();
        config.put("maxBatchSize", maxBatchSize);
        config.put("maxBatchDelayMicros", maxDelayMicros);
        config.put("queueCapacity", queueCapacity);
        config.put("workers", workers);
        cm.getConfiguration("morphgate.serving", "?").update(config);
        await("the serving configuration to apply", 10_000, () -> {
            var s = service(PredictionService.class, 1000).statistics();
            return s.capacity() == queueCapacity && s.maxBatchSize() == maxBatchSize;
        });
    }

    private void expectError(String contentType, byte[] body, String query, int status, String code) throws Exception {
        HttpResponse<String> response = post(contentType, body, query);
        assertEquals(contentType + " " + query + ": " + response.body(), status, response.statusCode());
        assertEquals(response.body(), code, code(response));
    }

    private static String code(HttpResponse<String> response) {
        return JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonObject("error").get("code").getAsString();
    }

    private HttpResponse<String> post(String contentType, byte[] body, String query) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(infer + query)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private boolean servletAnswers() {
        try {
            return post("text/plain", new byte[1], "").statusCode() == 415;
        } catch (Exception e) {
            return false; // not listening yet
        }
    }
}
