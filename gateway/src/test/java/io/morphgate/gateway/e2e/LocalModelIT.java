package io.morphgate.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

/**
 * {@code bin/morphgate --model resnet18.onnx --http-port N}, as a user tries a model: the distribution serves a
 * torchvision ResNet-18 exported by {@code torch.onnx.export} (no descriptor: the graph's input and output, no
 * normalisation, classes by index), and its answer to a tensor over HTTP equals ONNX Runtime's softmax on the same
 * file, run directly in this JVM, to 1e-5 for every one of the 1,000 classes.
 */
class LocalModelIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void theGatewayServesAModelFileAsOnnxRuntimeRunsIt(@TempDir Path dir) throws Exception {
        Path resnet = exportedResnet();
        int port = InstalledGateway.freePort();
        try (InstalledGateway gateway = InstalledGateway.install(dir.resolve("gateway"),
                List.of("morphgate-core", "morphgate-serving"), Map.of(), List.of("--model", resnet.toString(),
                        "--http-port", String.valueOf(port), "--broker-port", String.valueOf(InstalledGateway.freePort())))) {
            gateway.start();
            URI base = URI.create("http://127.0.0.1:" + port + "/morphgate/");
            awaitServing(base, gateway);
            Random random = new Random(5);
            try (OrtEnvironment env = OrtEnvironment.getEnvironment();
                    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                    OrtSession direct = env.createSession(resnet.toString(), options)) {
                for (int sample = 0; sample < 3; sample++) {
                    float[] input = new float[3 * 64 * 64];
                    for (int i = 0; i < input.length; i++) {
                        input[i] = (float) random.nextGaussian();
                    }
                    float[] expected = softmax(run(env, direct, input));
                    float[] served = served(base, input);
                    float worst = 0;
                    for (int c = 0; c < expected.length; c++) {
                        worst = Math.max(worst, Math.abs(expected[c] - served[c]));
                    }
                    assertTrue(worst <= 1e-5f, "sample " + sample + ": the largest difference is " + worst);
                }
            }
            assertEquals(0, gateway.stop());
        }
    }

    /** The ResNet-18 the test script exported; skipped without it unless CI requires it. */
    private static Path exportedResnet() {
        String folder = System.getenv("MORPHGATE_EXPORTED_MODELS");
        Path file = folder == null ? null : Path.of(folder, "resnet18.onnx");
        boolean present = file != null && Files.isRegularFile(file);
        if (!present && "true".equals(System.getenv("MORPHGATE_REQUIRE_EXPORTED_MODELS"))) {
            throw new AssertionError("MORPHGATE_EXPORTED_MODELS (" + folder + ") holds no resnet18.onnx");
        }
        assumeTrue(present, "no exported ResNet-18 (MORPHGATE_EXPORTED_MODELS; ./test.sh exports it)");
        return file.toAbsolutePath();
    }

    private static void awaitServing(URI base, InstalledGateway gateway) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline && gateway.isAlive()) {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(base.resolve("status.json")).build(),
                        HttpResponse.BodyHandlers.ofString());
                JsonObject model = JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonObject("model");
                if (model.get("model").isJsonObject()
                        && model.getAsJsonObject("model").get("id").getAsString().equals("resnet18")
                        && model.get("state").getAsString().equals("SERVING")) {
                    return;
                }
            } catch (IOException | RuntimeException notYet) {
                // not listening yet, or no model yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the ResNet-18 does not serve\n" + gateway.logText());
    }

    private static float[] served(URI base, float[] input) throws Exception {
        JsonArray tensor = new JsonArray();
        for (float v : input) {
            tensor.add(v);
        }
        JsonObject body = new JsonObject();
        body.add("tensor", tensor);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(base.resolve("v1/infer?top=1000"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        float[] probabilities = new float[1000];
        for (JsonElement c : JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonArray("top")) {
            JsonObject score = c.getAsJsonObject();
            probabilities[score.get("index").getAsInt()] = score.get("probability").getAsFloat();
        }
        return probabilities;
    }

    private static float[] run(OrtEnvironment env, OrtSession session, float[] input) throws Exception {
        try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), new long[] {1, 3, 64, 64});
                OrtSession.Result result = session.run(Map.of("input", x))) {
            return ((float[][]) result.get(0).getValue())[0];
        }
    }

    private static float[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] e = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            e[i] = Math.exp(logits[i] - max);
            sum += e[i];
        }
        float[] p = new float[logits.length];
        for (int i = 0; i < logits.length; i++) {
            p[i] = (float) (e[i] / sum);
        }
        return p;
    }
}
