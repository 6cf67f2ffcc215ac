package io.morphgate.backbone.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.google.gson.Gson;

import io.morphgate.api.model.ModelDescriptor;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.slot.SlotWeights;
import io.morphgate.api.slot.TensorShape;
import io.morphgate.model.InvalidModelException;
import io.morphgate.onnx.OnnxModelIO;

class BackboneArtifactsTest {

    @Test
    void bundledBackboneHasFourSlotsWithTheirShapesAndCosts() {
        BackboneArtifacts artifacts = TestBackbones.synthetic();
        List<SlotSpec> slots = artifacts.slots();
        assertEquals(List.of("conv1", "conv2", "conv3", "conv4"), slots.stream().map(SlotSpec::name).toList());
        SlotSpec conv1 = slots.get(0);
        assertEquals(new TensorShape(16, 28, 28), conv1.input());
        assertEquals(new TensorShape(32, 14, 14), conv1.output());
        assertTrue(conv1.downsamples());
        // conv3x3 16->32 on 28x28: 28*28*32*16*9 MACs plus BN's one multiply-add per element
        assertEquals(28L * 28 * 32 * 16 * 9 + 28 * 28 * 32, conv1.defaultMacs());
        assertEquals(32L * 16 * 9 + 2 * 32, conv1.defaultParams());
        assertEquals(new TensorShape(1, 28, 28), artifacts.inputShape());
        assertEquals(10, artifacts.classCount());
    }

    @Test
    void bundledModelHasTheStructureTheSyntheticGeneratorDefines() {
        // the generator is the structure template the trainer fills: trained or not, nodes and tensor shapes agree
        SyntheticBackbone.Generated generated = SyntheticBackbone.generate(SyntheticBackbone.SEED);
        BackboneArtifacts bundled = TestBackbones.synthetic();
        assertEquals(structure(generated.model()), structure(bundled.model()));
        assertEquals(generated.manifest().slots(), bundled.manifest().orElseThrow().slots());
        assertEquals(generated.manifest().labels(), bundled.labels());
        assertEquals(List.of((double) generated.manifest().normalization().mean()),
                bundled.descriptor().input().mean().stream().map(m -> (double) m.floatValue()).toList());
    }

    /** Node names, op types and wiring, and every initializer's name and dimensions; not the values. */
    private static List<String> structure(ai.onnx.proto.OnnxMl.ModelProto model) {
        List<String> lines = new java.util.ArrayList<>();
        model.getGraph().getNodeList().forEach(n -> lines.add(n.getName() + " " + n.getOpType() + " "
                + n.getInputList() + " -> " + n.getOutputList()));
        model.getGraph().getInitializerList().forEach(t -> lines.add(t.getName() + " " + t.getDimsList()));
        return lines;
    }

    @Test
    void calibrationImagesAreShippedNormalisedAndTheirSlotInputsHaveTheSlotShape() throws Exception {
        BackboneArtifacts artifacts = TestBackbones.synthetic();
        assertEquals(SyntheticBackbone.CALIBRATION_COUNT, artifacts.calibrationImages().size());
        float[] first = artifacts.calibrationImages().get(0);
        assertEquals(28 * 28, first.length);
        // a black pixel normalises to -mean/std
        float black = -0.2860f / 0.3530f;
        float min = Float.MAX_VALUE;
        for (float v : first) {
            min = Math.min(min, v);
        }
        assertEquals(black, min, 1e-6f);
        ai.onnxruntime.OrtEnvironment env = ai.onnxruntime.OrtEnvironment.getEnvironment();
        Calibration calibration = new Calibration(artifacts, env, new SessionFactory(env, 1, false));
        List<float[]> conv3 = calibration.slotInputs("conv3");
        assertEquals(SyntheticBackbone.CALIBRATION_COUNT, conv3.size());
        assertEquals(32 * 14 * 14, conv3.get(0).length);
        assertTrue(calibration.slotInputs("nope").isEmpty());
        assertEquals(1.0, calibration.agreementWithDefault(artifacts.model()).getAsDouble(), 0.0);
    }

    @Test
    void slotWeightsHaveTheDefaultLayerShapes() {
        SlotWeights w = TestBackbones.synthetic().weights("conv3").orElseThrow();
        assertEquals(64 * 32 * 9, w.kernel().length);
        assertEquals(64, w.outChannels());
        assertEquals(32, w.inChannels());
        assertEquals(64, w.bnVariance().length);
        assertTrue(TestBackbones.synthetic().weights("nope").isEmpty());
    }

    @Test
    void manifestThatContradictsTheGraphIsRefusedWithTheSlotNamed() {
        SyntheticBackbone.Generated g = SyntheticBackbone.generate(1);
        SlotManifest wrong = new Gson().fromJson(new Gson().toJson(g.manifest()).replace("[32,14,14]", "[32,28,28]"),
                SlotManifest.class);
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> BackboneArtifacts.of(
                TestBackbones.synthetic().descriptor(), OnnxModelIO.write(g.model()), wrong, List.of()));
        assertTrue(e.getMessage().contains("slot conv1"), e.getMessage());
    }

    @Test
    void descriptorThatContradictsTheGraphIsRefusedWithWhatDiffers() {
        BackboneArtifacts fashion = TestBackbones.synthetic();
        ModelDescriptor d = fashion.descriptor();
        ModelDescriptor colour = new ModelDescriptor(d.id(), d.version(), null, d.onnx(), new ModelDescriptor.Input(
                "image", 3, 28, 28, 0, ModelDescriptor.ChannelOrder.RGB, List.of(0.5, 0.5, 0.5), List.of(1.0, 1.0, 1.0)),
                d.output(), d.labels(), null, null, null);
        byte[] onnx = OnnxModelIO.write(fashion.model());
        InvalidModelException e = assertThrows(InvalidModelException.class,
                () -> BackboneArtifacts.of(colour, onnx, null, List.of()));
        assertTrue(e.getMessage().contains("[N, 3, 28, 28]"), e.getMessage());
        ModelDescriptor wrongLabels = new ModelDescriptor(d.id(), d.version(), null, d.onnx(), d.input(), d.output(),
                List.of("a", "b"), null, null, null);
        e = assertThrows(InvalidModelException.class, () -> BackboneArtifacts.of(wrongLabels, onnx, null, List.of()));
        assertTrue(e.getMessage().contains("2 labels but the model has 10 classes"), e.getMessage());
        e = assertThrows(InvalidModelException.class,
                () -> BackboneArtifacts.of(d, new byte[] {1, 2, 3, 4}, null, List.of()));
        assertTrue(e.getMessage().contains("not a readable ONNX model"), e.getMessage());
    }

    @Test
    void modelWithoutASlotManifestHasItsSlotsFoundInTheGraphAndNamesItsClassesByIndex() {
        BackboneArtifacts fashion = TestBackbones.synthetic();
        ModelDescriptor d = fashion.descriptor();
        ModelDescriptor bare = new ModelDescriptor("bare", "1", null, d.onnx(), d.input(), d.output(), List.of(), null,
                null, null);
        BackboneArtifacts artifacts = BackboneArtifacts.of(bare, OnnxModelIO.write(fashion.model()), null, List.of());
        // the hand-written slot list of this model found again in its graph (names aside), after the stem conv, which
        // the list leaves out and the discovery rule takes (3x3, group 1)
        assertEquals(fashion.slots().size() + 1, artifacts.slots().size(), artifacts.slots().toString());
        assertEquals(1, artifacts.slots().get(0).input().channels(), "the stem reads the image");
        for (int i = 0; i < fashion.slots().size(); i++) {
            SlotSpec listed = fashion.slots().get(i);
            SlotSpec found = artifacts.slots().get(i + 1);
            assertEquals(List.of(listed.input(), listed.output(), listed.kernelSize(), listed.pooled()),
                    List.of(found.input(), found.output(), found.kernelSize(), found.pooled()), found.name());
            assertEquals(SlotSpec.Activation.RELU, found.activation());
            assertEquals(listed.defaultMacs(), found.defaultMacs(), found.name());
            assertTrue(artifacts.weights(found.name()).isPresent());
        }
        assertEquals("0", artifacts.labels().get(0));
        assertEquals(10, artifacts.labels().size());
        assertTrue(artifacts.backboneId().startsWith("bare-1-"), artifacts.backboneId());
        assertEquals(fashion.sha256(), artifacts.sha256());
    }
}
