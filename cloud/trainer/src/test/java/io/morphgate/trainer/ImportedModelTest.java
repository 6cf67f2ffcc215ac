package io.morphgate.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.onnx.proto.OnnxMl.ModelProto;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.onnx.OnnxModelIO;
import io.morphgate.operator.lowrank.internal.LowRankBlock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Exported torchvision networks in the trainer: the gateway's slots, and a variant training in a frozen backbone. */
class ImportedModelTest {

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

    /** The figures the gateway's own discovery gives for these networks (bundles/backbone DiscoveredSlotsTest). */
    @Test
    void exportedNetworksHaveTheSlotsTheGatewayFinds() {
        List<SlotSpec> resnet = specs(ImportedModel.read(ExportedModels.file("resnet18.onnx")));
        assertEquals(17, resnet.size(), resnet.toString());
        assertEquals("conv1", resnet.get(0).name());
        assertEquals(7, resnet.get(0).kernelSize());
        assertEquals(List.of("conv1", "layer2.0.conv1", "layer3.0.conv1", "layer4.0.conv1"),
                resnet.stream().filter(s -> s.stride() == 2).map(SlotSpec::name).toList());
        assertEquals(8, resnet.stream().filter(s -> s.activation() == SlotSpec.Activation.NONE).count(),
                "the second conv of each basic block feeds the residual Add");
        List<SlotSpec> vgg = specs(ImportedModel.read(ExportedModels.file("vgg11_bn.onnx")));
        assertEquals(8, vgg.size());
        assertEquals(5, vgg.stream().filter(SlotSpec::pooled).count(), vgg.toString());
        List<SlotSpec> mobilenet = specs(ImportedModel.read(ExportedModels.file("mobilenet_v2.onnx")));
        assertEquals(1, mobilenet.size(), "the stem; every other 3x3 conv is depthwise");
        assertEquals(SlotSpec.Activation.NONE, mobilenet.get(0).activation(), "its ReLU6 (Clip) stays after it");
    }

    @Test
    void trainingAVariantInAFrozenResNetChangesOnlyTheVariantsParameters() {
        ImportedModel resnet = ImportedModel.read(ExportedModels.file("resnet18.onnx"));
        ImportedModel.Slot slot = resnet.slot("layer1.0.conv1").orElseThrow();
        var variant = new LowRankBlock(3, 42).variant(slot.spec(), 0.5).orElseThrow();
        String id = variant.descriptor().id();
        String prefix = ImportedModel.variantPrefix(slot, id);
        try (NDManager m = manager.newSubManager()) {
            OnnxGraphBlock block = resnet.withVariant(slot, id, OnnxModelIO.read(variant.subGraph()), m);
            assertFalse(block.trainableParameters().isEmpty(), "the variant has parameters to train");
            assertTrue(block.trainableParameters().stream().allMatch(p -> p.getName().startsWith(prefix)),
                    "only the variant's parameters are trainable");
            Map<String, float[]> before = values(block);
            TrainingStep step = new TrainingStep(block.trainableParameters(), 1e-2f, 3, 0f);
            Shape shape = block.inputShape(4);
            Random r = new Random(5);
            float[] images = OnnxGraphBlockTest.values(r, (int) shape.size(), 1f);
            for (int i = 0; i < 3; i++) {
                try (NDManager s = m.newSubManager()) {
                    var x = s.create(images, shape);
                    var y = s.create(new float[] {0, 1, 2, 3});
                    step.run(() -> Evaluation.crossEntropy(block.forward(x, true), y));
                }
            }
            int changed = 0;
            for (Map.Entry<String, float[]> e : values(block).entrySet()) {
                boolean same = Arrays.equals(before.get(e.getKey()), e.getValue());
                if (e.getKey().startsWith(prefix)) {
                    changed += same ? 0 : 1;
                } else {
                    assertTrue(same, e.getKey() + " belongs to the frozen backbone and must not change");
                }
            }
            assertTrue(changed > 0, "the variant's parameters train");
        }
    }

    private static Map<String, float[]> values(OnnxGraphBlock block) {
        Map<String, float[]> out = new HashMap<>();
        for (var p : block.getParameters()) {
            Parameter parameter = p.getValue();
            out.put(parameter.getName(), parameter.getArray().toFloatArray());
        }
        return out;
    }

    private static List<SlotSpec> specs(ImportedModel model) {
        return model.slots().stream().map(ImportedModel.Slot::spec).toList();
    }
}
