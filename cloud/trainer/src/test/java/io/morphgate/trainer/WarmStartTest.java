package io.morphgate.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.onnx.Initializers;
import io.morphgate.onnx.OnnxModelIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The warm start: every low-rank, bottleneck and depthwise entry of the catalog has a derivation whose graph has the
 * builder's structure, so its values are taken over (a silent fallback to random values would go unnoticed
 * otherwise); graphs of another structure are refused. And the distillation term of the fine-tuning loss.
 */
class WarmStartTest {

    private static final Path MODEL = Path.of("../..").resolve(TrainerOptions.MODEL_DIR);
    private static NDManager manager;

    @BeforeAll
    static void engine() {
        System.setProperty("ai.djl.offline", "true");
        manager = Engine.getEngine("PyTorch").newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @Test
    void everyDerivableEntryTakesTheDerivedValuesIntoTheBuildersGraph() throws Exception {
        ModelProto backbone = OnnxModelIO.read(MODEL.resolve("backbone.onnx"));
        SlotManifest manifest = SlotManifest.read(MODEL.resolve("slots.json"));
        List<SlotSpec> slots = manifest.slots(backbone);
        int warmStartable = 0;
        for (VariantCatalog.Entry e : VariantCatalog.all(slots, manifest.backboneId())) {
            boolean derivable = List.of("lowrank", "bottleneck", "depthwise").contains(e.operator());
            assertEquals(derivable, e.warmStart() != null, e.id());
            if (!derivable) {
                continue;
            }
            SlotSpec slot = slots.stream().filter(s -> s.name().equals(e.variant().descriptor().slot())).findFirst()
                    .orElseThrow();
            ModelProto derived = OnnxModelIO.read(e.warmStart().derive(slot, manifest.weights(slot, backbone),
                    List.of()).orElseThrow().subGraph());
            ModelProto seeded = OnnxModelIO.read(e.variant().subGraph());
            Optional<ModelProto> warm = VariantTraining.withValuesOf(seeded, derived);
            assertTrue(warm.isPresent(), e.id() + ": the derived graph has the builder's structure");
            assertEquals(seeded.getGraph().getNodeList(), warm.get().getGraph().getNodeList(), e.id());
            for (int i = 0; i < seeded.getGraph().getInitializerCount(); i++) {
                TensorProto t = warm.get().getGraph().getInitializer(i);
                assertEquals(seeded.getGraph().getInitializer(i).getName(), t.getName());
                if (t.getDataType() == TensorProto.DataType.FLOAT_VALUE) {
                    assertArrayEquals(Initializers.floats(derived, derived.getGraph().getInitializer(i).getName()),
                            Initializers.floats(warm.get(), t.getName()), e.id() + " " + t.getName());
                }
            }
            warmStartable++;
        }
        assertEquals(24, warmStartable, "4 slots x (2 low-rank + 2 bottleneck + 2 depthwise)");
    }

    @Test
    void aGraphOfAnotherStructureIsNotAWarmStart() throws Exception {
        ModelProto backbone = OnnxModelIO.read(MODEL.resolve("backbone.onnx"));
        SlotManifest manifest = SlotManifest.read(MODEL.resolve("slots.json"));
        List<VariantCatalog.Entry> entries = VariantCatalog.all(manifest.slots(backbone), manifest.backboneId());
        ModelProto lowRank = OnnxModelIO.read(find(entries, "lowrank-conv1-b0.5").variant().subGraph());
        ModelProto fire = OnnxModelIO.read(find(entries, "fire-conv1-s0.25").variant().subGraph());
        ModelProto narrower = OnnxModelIO.read(find(entries, "lowrank-conv1-b0.25").variant().subGraph());
        assertTrue(VariantTraining.withValuesOf(lowRank, fire).isEmpty(), "other nodes");
        assertTrue(VariantTraining.withValuesOf(lowRank, narrower).isEmpty(), "same nodes, other shapes");
    }

    @Test
    void distillationIsZeroForTheTeachersOwnLogitsAndGrowsWithTheDifference() {
        try (NDManager m = manager.newSubManager()) {
            NDArray teacher = m.create(new float[] {2f, -1f, 0.5f, 0f, 3f, -2f}, new Shape(2, 3));
            NDArray near = m.create(new float[] {2.1f, -1f, 0.4f, 0f, 2.9f, -2f}, new Shape(2, 3));
            NDArray far = m.create(new float[] {-2f, 1f, 0.5f, 3f, 0f, -2f}, new Shape(2, 3));
            float same = Evaluation.distillation(teacher, teacher, 4f).getFloat();
            float small = Evaluation.distillation(near, teacher, 4f).getFloat();
            float large = Evaluation.distillation(far, teacher, 4f).getFloat();
            assertEquals(0f, same, 1e-6f);
            assertTrue(small > 0 && small < large, small + " < " + large);
            // against a direct computation of T^2 * mean_b sum_c p_t (log p_t - log p_s) for the far pair
            float[] t = teacher.toFloatArray();
            float[] s = far.toFloatArray();
            double expected = 0;
            for (int b = 0; b < 2; b++) {
                double[] pt = softmax(t, b * 3, 4);
                double[] ps = softmax(s, b * 3, 4);
                for (int c = 0; c < 3; c++) {
                    expected += pt[c] * (Math.log(pt[c]) - Math.log(ps[c]));
                }
            }
            assertEquals(16 * expected / 2, large, 1e-4);
        }
    }

    private static double[] softmax(float[] logits, int from, float temperature) {
        double[] p = new double[3];
        double sum = 0;
        for (int c = 0; c < 3; c++) {
            p[c] = Math.exp(logits[from + c] / temperature);
            sum += p[c];
        }
        for (int c = 0; c < 3; c++) {
            p[c] /= sum;
        }
        return p;
    }

    private static VariantCatalog.Entry find(List<VariantCatalog.Entry> entries, String id) {
        VariantCatalog.Entry e = entries.stream().filter(x -> x.id().equals(id)).findFirst().orElse(null);
        assertNotNull(e, id);
        return e;
    }
}
