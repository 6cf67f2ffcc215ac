package io.morphgate.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import io.morphgate.onnx.GraphCheck;
import io.morphgate.onnx.OnnxModelIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * CI smoke run of the whole pipeline on a small subset, into a temporary directory (never the repository): the
 * exported backbone and variant load, pass GraphCheck, keep the template's structure and run in ONNX Runtime.
 */
class TrainerSmokeTest {

    private static final Path REPO = Path.of("../..");
    private static final String VARIANT = "lowrank-conv2-b0.5";

    @Test
    void trainsABackboneEpochAndOneVariantIntoATemporaryDirectory(@TempDir Path out) throws Exception {
        TrainerOptions options = new TrainerOptions(FashionMnist.DEBIAN_DIR, REPO, out, TrainerOptions.Stage.ALL,
                1, 5, 5, 128, 2000, 500, 1L, true, 0, Pattern.compile(VARIANT));
        Pipeline.Summary summary = new Pipeline(options).run();
        assertTrue(summary.backboneAccuracy() > 0.3, "one epoch on 2,000 images learns something: "
                + summary.backboneAccuracy());
        assertEquals(1, summary.variants().size());

        Path model = options.modelDir(out);
        ModelProto backbone = OnnxModelIO.read(model.resolve("backbone.onnx"));
        GraphCheck.check(backbone);
        assertSameStructure(Pipeline.template(), backbone);
        assertSlotManifestKeepsItsStructure(model.resolve("slots.json"));
        assertTrue(Files.size(model.resolve("calibration-images.idx")) > 0);
        float[] logits = runInOnnxRuntime(backbone, new long[] {2, 1, 28, 28});
        assertEquals(20, logits.length);

        VariantCatalog.Entry entry = VariantCatalog.all(SlotManifest.read(model.resolve("slots.json"))
                .slots(backbone), "fashion-mnist-v1-seed1").stream().filter(e -> e.id().equals(VARIANT)).findFirst().orElseThrow();
        Path dir = options.variantsDir("lowrank");
        ModelProto variant = OnnxModelIO.read(dir.resolve(VARIANT + ".onnx"));
        GraphCheck.check(variant);
        assertSameStructure(OnnxModelIO.read(entry.variant().subGraph()), variant);
        assertEquals(32 * 14 * 14 * 2, runInOnnxRuntime(variant, new long[] {2, 32, 14, 14}).length);
        JsonObject meta = new Gson().fromJson(Files.readString(dir.resolve(VARIANT + ".json")), JsonObject.class);
        for (String field : List.of("id", "slot", "kind", "hyperParameters", "backboneId", "testAccuracy", "params",
                "macs", "training")) {
            assertTrue(meta.has(field), "metadata has " + field);
        }
        assertEquals("fashion-mnist-v1-seed1", meta.get("backboneId").getAsString());
    }

    private static void assertSameStructure(ModelProto expected, ModelProto actual) {
        assertEquals(expected.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList(),
                actual.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList());
        assertEquals(expected.getGraph().getNodeList(), actual.getGraph().getNodeList(), "nodes unchanged");
        assertEquals(expected.getGraph().getInitializerCount(), actual.getGraph().getInitializerCount());
        for (int i = 0; i < expected.getGraph().getInitializerCount(); i++) {
            TensorProto e = expected.getGraph().getInitializer(i);
            TensorProto a = actual.getGraph().getInitializer(i);
            assertEquals(e.getName(), a.getName());
            assertEquals(e.getDimsList(), a.getDimsList(), e.getName());
        }
    }

    private static void assertSlotManifestKeepsItsStructure(Path trained) throws Exception {
        Gson gson = new Gson();
        JsonObject original = gson.fromJson(Files.readString(REPO.resolve(TrainerOptions.MODEL_DIR)
                .resolve("slots.json")), JsonObject.class);
        JsonObject written = gson.fromJson(Files.readString(trained), JsonObject.class);
        assertEquals("fashion-mnist-v1-seed1", written.get("backboneId").getAsString());
        assertTrue(written.get("description").getAsString().contains("test accuracy"));
        double accuracy = written.get("testAccuracy").getAsDouble(); // the smoke run's, not the committed model's
        assertTrue(accuracy > 0 && accuracy <= 1, "testAccuracy is a fraction: " + accuracy);
        for (JsonObject o : List.of(original, written)) {
            o.remove("backboneId");
            o.remove("description");
            o.remove("testAccuracy");
        }
        assertEquals(original, written);
    }

    /** Runs the model on random input in ONNX Runtime; every output value must be finite. */
    private static float[] runInOnnxRuntime(ModelProto model, long[] shape) throws OrtException {
        float[] input = new float[Math.toIntExact(shape[0] * shape[1] * shape[2] * shape[3])];
        Random r = new Random(3);
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) r.nextGaussian();
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(OnnxModelIO.write(model), new OrtSession.SessionOptions());
             OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape);
             OrtSession.Result result = session.run(Map.of(session.getInputNames().iterator().next(), in))) {
            FloatBuffer fb = ((OnnxTensor) result.get(0)).getFloatBuffer();
            float[] out = new float[fb.remaining()];
            fb.get(out);
            for (float v : out) {
                assertTrue(Float.isFinite(v), "finite output");
            }
            return out;
        }
    }
}
