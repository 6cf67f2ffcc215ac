package io.morphgate.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
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
 * Inference over MQTT against a real broker over TCP (Moquette in the test driver): a device publishes on
 * {@code morphgate/v1/<gw>/infer/request/<format>/<requestId>} and reads its reply on {@code .../infer/reply/<requestId>}.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class InferenceMqttIT extends TestSupport {

    private static final String GATEWAY = "itest-serving-gw";
    private static final String NS = "morphgate/v1/" + GATEWAY + "/";
    private static final int IMAGES = 20;

    private final Map<String, CompletableFuture<JsonObject>> replies = new ConcurrentHashMap<>();
    private MqttClient device;
    private InferenceService inference;
    private ConfigurationAdmin cm;

    @Configuration
    public Option[] configuration() {
        int[] ports = MqttTestBroker.start();
        List<String> bundles = new ArrayList<>();
        for (String feature : List.of("morphgate-core", FASHION_MNIST, "morphgate-operator-lowrank", "morphgate-evaluation", "morphgate-serving")) {
            featureBundles(feature).stream().filter(id -> !bundles.contains(id))
                    .filter(id -> available(id) || !id.contains("morphgate-deployment")).forEach(bundles::add);
        }
        List<Option> options = new ArrayList<>(Arrays.asList(gatewayOptions(bundles)));
        options.add(frameworkProperty("morphgate.gateway.id").value(GATEWAY));
        options.add(frameworkProperty("morphgate.broker.url").value("tcp://127.0.0.1:" + ports[0]));
        options.add(frameworkProperty("org.osgi.service.http.port").value(Integer.toString(ServingInputs.freePort())));
        return options.toArray(Option[]::new);
    }

    @Before
    public void connectDevice() throws Exception {
        inference = service(InferenceService.class, 30_000);
        cm = service(ConfigurationAdmin.class, 10_000);
        service(PredictionService.class, 30_000);
        // results are compared with the in-JVM service's: the configuration must not change under the comparison
        awaitSettled("io.morphgate.operator.lowrank", 500);
        device = new MqttClient(context.getProperty("morphgate.broker.url"), "device-" + UUID.randomUUID(), new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setMaxInflight(1000);
        for (int attempt = 1; !device.isConnected(); attempt++) {
            try {
                device.connect(options);
            } catch (MqttException e) {
                if (attempt == 3) {
                    throw e; // Moquette 0.17 occasionally drops a fresh connection before CONNACK under load
                }
                Thread.sleep(500);
            }
        }
        device.subscribe(NS + "infer/reply/+", 1, (topic, message) -> {
            JsonObject reply = JsonParser.parseString(new String(message.getPayload(), StandardCharsets.UTF_8)).getAsJsonObject();
            replies.computeIfAbsent(topic.substring(topic.lastIndexOf('/') + 1), id -> new CompletableFuture<>()).complete(reply);
        });
        // the gateway's inference client connects on its own schedule: wait until it answers
        await("the gateway to answer inference requests over MQTT", 30_000, () -> {
            try {
                return request("probe", "json", ServingInputs.json(new float[784]), 2).has("index");
            } catch (Exception e) {
                return false;
            }
        });
    }

    @After
    public void disconnectDevice() throws Exception {
        cm.getConfiguration("morphgate.serving", "?").delete();
        if (device != null && device.isConnected()) {
            device.disconnect();
        }
        if (device != null) {
            device.close();
        }
    }

    @Test
    public void fashionMnistImagesAreClassifiedAsTheInJvmServiceClassifiesThem() throws Exception {
        LabelledImages images = FashionMnist.read(FashionMnist.DEBIAN_DIRECTORY, FashionMnist.Split.TEST, IMAGES);
        for (int i = 0; i < IMAGES; i++) {
            float[] tensor = ServingInputs.normalised(images.pixels().get(i), inference);
            InferenceResult expected = inference.infer(tensor);
            byte[] png = ServingInputs.encode(ServingInputs.grey(images.pixels().get(i), images.width()), "png");
            for (Map.Entry<String, byte[]> body : Map.of("png", png, "json", ServingInputs.json(tensor), "f32",
                    ServingInputs.float32(tensor)).entrySet()) {
                String requestId = "item-" + i + "-" + body.getKey();
                JsonObject reply = request(requestId, body.getKey(), body.getValue(), 30);
                String what = "image " + i + " as " + body.getKey() + ": " + reply;
                assertEquals(what, requestId, reply.get("requestId").getAsString());
                assertEquals(what, expected.predictedClass(), reply.get("index").getAsInt());
                assertEquals(what, expected.configurationId(), reply.get("configurationId").getAsString());
                JsonArray top = reply.getAsJsonArray("top");
                assertEquals("three top classes by default", 3, top.size());
                for (int k = 0; k < top.size(); k++) {
                    JsonObject score = top.get(k).getAsJsonObject();
                    int c = score.get("index").getAsInt();
                    assertEquals(what, expected.probabilities()[c], score.get("probability").getAsDouble(), 1e-5);
                    assertEquals(inference.labels().get(c), score.get("label").getAsString());
                }
                assertTrue(what, reply.getAsJsonObject("timing").get("totalMillis").getAsDouble() > 0);
            }
        }
    }

    @Test
    public void everyBadInputGetsItsSpecificErrorCodeAndTheGatewayKeepsServing() throws Exception {
        float[] zeros = new float[784];
        byte[] png = ServingInputs.encode(ServingInputs.grey(zeros, 28), "png");
        byte[] nan = ServingInputs.float32(zeros);
        java.nio.ByteBuffer.wrap(nan).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(0, Float.POSITIVE_INFINITY);
        byte[] hugePng = ServingInputs.encode(new java.awt.image.BufferedImage(4200, 4200,
                java.awt.image.BufferedImage.TYPE_BYTE_GRAY), "png");

        expectError("json", ServingInputs.json(new float[785]), "WRONG_SHAPE");
        expectError("json", "{\"tensor\":[true]}".getBytes(StandardCharsets.UTF_8), "WRONG_TYPE");
        expectError("json", "not json".getBytes(StandardCharsets.UTF_8), "MALFORMED_REQUEST");
        expectError("f32", new byte[100], "WRONG_SHAPE");
        expectError("f32", nan, "INVALID_VALUE");
        String jsonZeros = new String(ServingInputs.json(zeros), StandardCharsets.UTF_8);
        expectError("json", jsonZeros.replaceFirst("0\\.0", "NaN").getBytes(StandardCharsets.UTF_8), "INVALID_VALUE");
        expectError("json", jsonZeros.replaceFirst("0\\.0", "Infinity").getBytes(StandardCharsets.UTF_8), "INVALID_VALUE");
        expectError("png", Arrays.copyOf(png, 40), "CORRUPT_IMAGE");
        expectError("jpeg", png, "CORRUPT_IMAGE");
        expectError("png", hugePng, "IMAGE_TOO_LARGE");
        expectError("bmp", png, "UNSUPPORTED_MEDIA_TYPE");

        Hashtable<String, Object> limit = new Hashtable<>();
        limit.put("maxRequestBytes", 10_000);
        cm.getConfiguration("morphgate.serving", "?").update(limit);
        await("the request size limit to apply", 10_000, () -> {
            try {
                return request("limit-" + UUID.randomUUID(), "f32", new byte[20_000], 10).toString().contains("PAYLOAD_TOO_LARGE");
            } catch (Exception e) {
                return false;
            }
        });

        JsonObject good = request("after-bad-inputs", "png", png, 30);
        assertTrue(good.toString(), good.has("index"));
    }

    @Test
    public void aFloodBeyondTheQueueIsRefusedWithOverloadedAndTheGatewayKeepsServing() throws Exception {
        Hashtable<String, Object> small = new Hashtable<>();
        small.put("maxBatchSize", 1);
        small.put("queueCapacity", 2);
        small.put("workers", 1);
        cm.getConfiguration("morphgate.serving", "?").update(small);
        await("the small queue to apply", 10_000, () -> service(PredictionService.class, 1000).statistics().capacity() == 2);
        byte[] body = ServingInputs.float32(new float[784]);
        List<String> ids = new ArrayList<>();
        // QoS 1 without waiting for each acknowledgement: a flood that the broker may not drop (it may drop QoS 0)
        MqttAsyncClient flooder = new MqttAsyncClient(context.getProperty("morphgate.broker.url"),
                "flooder-" + UUID.randomUUID(), new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMaxInflight(1000);
        flooder.connect(options).waitForCompletion(10_000);
        try {
            for (int i = 0; i < 150; i++) {
                String id = "flood-" + i;
                ids.add(id);
                replies.putIfAbsent(id, new CompletableFuture<>());
                flooder.publish(NS + "infer/request/f32/" + id, body, 1, false);
            }
        } finally {
            flooder.disconnect().waitForCompletion(10_000);
            flooder.close();
        }
        int served = 0;
        int refused = 0;
        for (String id : ids) {
            JsonObject reply = replies.get(id).get(60, TimeUnit.SECONDS);
            if (reply.has("error")) {
                assertEquals(reply.toString(), "OVERLOADED", reply.getAsJsonObject("error").get("code").getAsString());
                refused++;
            } else {
                served++;
            }
        }
        assertTrue("every request of the flood is answered, some refused: " + refused + " refused", refused > 0);
        assertTrue("some served: " + served, served > 0);
        JsonObject after = request("after-flood", "f32", body, 30);
        assertTrue(after.toString(), after.has("index"));
    }

    @Test
    public void aRepeatedRequestIdGetsTheSameReplyWithoutRunningTheModelAgain() throws Exception {
        PredictionService serving = service(PredictionService.class, 10_000);
        String id = "repeat-" + UUID.randomUUID();
        JsonObject first = request(id, "f32", ServingInputs.float32(new float[784]), 30);
        assertTrue(first.toString(), first.has("index"));
        long accepted = serving.statistics().accepted();
        // the same id again, even with another body: the reply kept for it, byte for byte, and no inference
        JsonObject again = request(id, "json", "not json".getBytes(StandardCharsets.UTF_8), 30);
        assertEquals(first, again);
        assertEquals("the repeat did not reach the queue", accepted, serving.statistics().accepted());
        JsonObject other = request(id + "-2", "json", "not json".getBytes(StandardCharsets.UTF_8), 30);
        assertEquals(other.toString(), "MALFORMED_REQUEST", other.getAsJsonObject("error").get("code").getAsString());
    }

    private void expectError(String format, byte[] body, String code) throws Exception {
        JsonObject reply = request(format + "-" + code + "-" + UUID.randomUUID(), format, body, 30);
        assertTrue(reply.toString(), reply.has("error"));
        assertEquals(reply.toString(), code, reply.getAsJsonObject("error").get("code").getAsString());
    }

    private JsonObject request(String requestId, String format, byte[] body, int timeoutSeconds) throws Exception {
        CompletableFuture<JsonObject> reply = replies.computeIfAbsent(requestId, id -> new CompletableFuture<>());
        device.publish(NS + "infer/request/" + format + "/" + requestId, body, 1, false);
        try {
            return reply.get(timeoutSeconds, TimeUnit.SECONDS);
        } finally {
            replies.remove(requestId);
        }
    }
}
