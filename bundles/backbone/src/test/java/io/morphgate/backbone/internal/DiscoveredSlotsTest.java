package io.morphgate.backbone.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.slot.SlotWeights;
import io.morphgate.onnx.GraphComposer;
import io.morphgate.onnx.GraphComposer.Replacement;
import io.morphgate.onnx.OnnxModelIO;
import io.morphgate.onnx.SlotBoundary;
import io.morphgate.operator.kit.derive.DerivedBlock;

/**
 * Slots found in networks exported by torch.onnx.export (models/export/export_torchvision.py, 64x64, random weights),
 * for models that list none. Skipped without MORPHGATE_EXPORTED_MODELS.
 */
class DiscoveredSlotsTest {

    @Test
    void resnet18HasItsStemAndSixteen3x3ConvsWithTheirStridesAndEndings() {
        BackboneArtifacts resnet = exported("resnet18.onnx");
        List<SlotSpec> slots = resnet.slots();
        assertEquals(17, slots.size(), slots.toString());
        SlotSpec stem = slots.get(0);
        assertEquals("conv1", stem.name());
        assertEquals(7, stem.kernelSize());
        assertEquals(2, stem.stride());
        assertEquals(SlotSpec.Activation.RELU, stem.activation());
        assertTrue(!stem.pooled(), "the stem's 3x3 max-pool is not the slot's 2x2 pool");
        // the second conv of each of the eight basic blocks feeds the residual Add: no activation of its own
        assertEquals(8, slots.stream().filter(s -> s.activation() == SlotSpec.Activation.NONE).count());
        assertEquals(List.of("conv1", "layer2.0.conv1", "layer3.0.conv1", "layer4.0.conv1"),
                slots.stream().filter(s -> s.stride() == 2).map(SlotSpec::name).toList());
        SlotSpec last = resnet.slot("layer4.1.conv2").orElseThrow();
        assertEquals(SlotSpec.Activation.NONE, last.activation());
        assertEquals(512, last.output().channels());
        assertEquals(2, last.output().height());
    }

    @Test
    void vggSlotsIncludeTheirPoolAndMobileNetKeepsItsClipOutside() {
        List<SlotSpec> vgg = exported("vgg11_bn.onnx").slots();
        assertEquals(8, vgg.size());
        assertEquals(5, vgg.stream().filter(SlotSpec::pooled).count(), vgg.toString());
        List<SlotSpec> mobilenet = exported("mobilenet_v2.onnx").slots();
        assertEquals(1, mobilenet.size(), "the stem; every other 3x3 conv is depthwise");
        assertEquals(SlotSpec.Activation.NONE, mobilenet.get(0).activation(), "its ReLU6 (Clip) stays after it");
        assertEquals(2, mobilenet.get(0).stride());
    }

    /**
     * Each slot rebuilt from nothing but its description (kernel, stride, padding k/2, its bias or batch norm as one
     * batch norm, activation, pool) by the operators' own frame, all at once in the model: the model computes what
     * it computed. This is what every variant relies on.
     */
    @ParameterizedTest
    @ValueSource(strings = {"resnet18.onnx", "resnet18-bn.onnx", "vgg11_bn.onnx", "mobilenet_v2.onnx"})
    void everySlotRebuiltFromItsDescriptionGivesTheSameModel(String file) throws Exception {
        BackboneArtifacts model = exported(file);
        Map<SlotBoundary, Replacement> rebuilt = new HashMap<>();
        for (SlotSpec slot : model.slots()) {
            SlotWeights w = model.weights(slot.name()).orElseThrow();
            int k = w.kernelSize();
            int s = slot.stride();
            int p = k / 2;
            ModelProto layer = DerivedBlock.build("rebuilt-" + slot.index(), slot, w, List.of(),
                    (g, x) -> g.conv(x, w.kernel(), w.outChannels(), w.inChannels(), k, k, null, s, s, p, p, p, p, 1))
                    .graph();
            rebuilt.put(model.boundary(slot.name()), new Replacement("rebuilt-" + slot.index(), layer));
        }
        ModelProto composed = GraphComposer.compose(model.model(), rebuilt);
        float[] input = new float[3 * 64 * 64];
        Random random = new Random(3);
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) random.nextGaussian();
        }
        float[] expected = run(model.model(), input);
        float[] actual = run(composed, input);
        double scale = 0;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(worst <= 1e-4 * Math.max(1, scale), file + ": largest difference " + worst + " (scale " + scale
                + ")");
    }

    private static float[] run(ModelProto model, float[] input) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(OnnxModelIO.write(model), options);
                OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), new long[] {1, 3, 64, 64});
                OrtSession.Result r = session.run(Map.of("input", x))) {
            return ((float[][]) r.get(0).getValue())[0];
        }
    }

    private static BackboneArtifacts exported(String file) {
        String folder = System.getenv("MORPHGATE_EXPORTED_MODELS");
        assumeTrue(folder != null && Files.isRegularFile(Path.of(folder, file)),
                "MORPHGATE_EXPORTED_MODELS does not name a folder with " + file);
        return LocalModelFile.read(Path.of(folder, file), null);
    }
}
