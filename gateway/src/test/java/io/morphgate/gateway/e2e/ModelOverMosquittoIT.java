package io.morphgate.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import io.morphgate.api.model.ModelDescriptor;
import io.morphgate.model.ModelDescriptors;
import io.morphgate.model.packaging.ModelBundleJar;

/**
 * Models deployed from the cloud as an operator would, through Mosquitto (TLS, passwords, ACL) to the distribution run
 * by {@code bin/morphgate}, while its demo client classifies an image every 50 ms: a torchvision ResNet-18 exported by
 * {@code torch.onnx.export}, packaged as a signed model bundle, installed with {@code install}, listed and activated
 * with the {@code model} verb, and the Fashion-MNIST model activated back, with no failed inference; a model bundle
 * whose ONNX file is corrupt is rolled back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ModelOverMosquittoIT extends GatewayOverMosquitto {

    @Test
    @Order(1)
    void aModelBundleIsInstalledActivatedAndSwitchedBackWithoutAFailedInference() throws Exception {
        byte[] jar = resnetBundle();
        int mark = cloud.mark();
        JsonObject installed = install(signer.artifact(jars.publish("resnet18.jar", jar), jar));
        assertEquals("COMMITTED", installed.get("stage").getAsString(), installed.toString());

        JsonObject list = command("model", "{\"requestId\":\"%s\",\"action\":\"list\"}").getAsJsonObject("result");
        assertEquals("fashion-mnist", list.get("serving").getAsString(), list.toString());
        JsonObject resnet = model(list, "resnet18");
        assertEquals("AVAILABLE", resnet.get("state").getAsString(), list.toString());
        assertEquals("3x64x64", resnet.get("input").getAsString());

        JsonObject activated = command("model", "{\"requestId\":\"%s\",\"action\":\"activate\",\"id\":\"resnet18\"}");
        assertEquals("ok", activated.get("status").getAsString(), activated.toString());
        assertEquals("resnet18", activated.getAsJsonObject("result").get("serving").getAsString());
        awaitTelemetryModel("resnet18");

        JsonObject back = command("model", "{\"requestId\":\"%s\",\"action\":\"activate\",\"id\":\"fashion-mnist\"}");
        assertEquals("fashion-mnist", back.getAsJsonObject("result").get("serving").getAsString(), back.toString());
        awaitTelemetryModel("fashion-mnist");
        assertServingWithoutFailures(mark);
    }

    @Test
    @Order(2)
    void aModelBundleWithACorruptOnnxFileIsRolledBack() throws Exception {
        byte[] jar = bundle(Arrays.copyOf(Files.readAllBytes(exported().resolve("resnet18.onnx")), 100_000),
                "broken");
        JsonObject outcome = install(signer.artifact(jars.publish("broken.jar", jar), jar));
        assertJobFails("HEALTH_CHECK_FAILED", outcome);
        assertTrue(outcome.toString().contains("not a readable ONNX model"), outcome.toString());
        JsonObject list = command("model", "{\"requestId\":\"%s\",\"action\":\"list\"}").getAsJsonObject("result");
        assertTrue(list.getAsJsonArray("models").asList().stream()
                .noneMatch(m -> m.getAsJsonObject().get("id").getAsString().equals("broken")), list.toString());
        assertEquals("fashion-mnist", list.get("serving").getAsString());
    }

    private byte[] resnetBundle() throws Exception {
        return bundle(Files.readAllBytes(exported().resolve("resnet18.onnx")), "resnet18");
    }

    /** The model bundle the console's packager writes for the exported ResNet-18's descriptor, under {@code id}. */
    private byte[] bundle(byte[] onnx, String id) throws Exception {
        ModelDescriptor exported = ModelDescriptors.read(Files.newInputStream(exported().resolve("resnet18.json")));
        ModelDescriptor descriptor = new ModelDescriptor(id, exported.version(), exported.description(),
                exported.onnx(), exported.input(), exported.output(), exported.labels(), null, null, null);
        Path jar = dir.resolve(id + ".jar");
        ModelBundleJar.write(jar, descriptor, onnx, null);
        return Files.readAllBytes(jar);
    }

    private static Path exported() {
        String folder = System.getenv("MORPHGATE_EXPORTED_MODELS");
        boolean present = folder != null && Files.isRegularFile(Path.of(folder, "resnet18.onnx"));
        if (!present && "true".equals(System.getenv("MORPHGATE_REQUIRE_EXPORTED_MODELS"))) {
            throw new AssertionError("MORPHGATE_EXPORTED_MODELS (" + folder + ") holds no resnet18.onnx");
        }
        assumeTrue(present, "no exported ResNet-18 (MORPHGATE_EXPORTED_MODELS; ./test.sh exports it)");
        return Path.of(folder);
    }

    private static JsonObject model(JsonObject list, String id) {
        return list.getAsJsonArray("models").asList().stream().map(JsonElement::getAsJsonObject)
                .filter(m -> m.get("id").getAsString().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no model " + id + " in " + list));
    }

    private void awaitTelemetryModel(String id) throws Exception {
        int mark = cloud.mark();
        cloud.await(mark, m -> m.topic().equals(GW + "telemetry") && m.isJson() && m.json().has("model")
                && m.json().get("model").isJsonObject()
                && m.json().getAsJsonObject("model").get("id").getAsString().equals(id), Duration.ofSeconds(30))
                .orElseThrow(() -> new AssertionError("telemetry never named model " + id));
    }
}
