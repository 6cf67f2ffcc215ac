package io.morphgate.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.morphgate.onnx.CostCounter.ModelCost;
import io.morphgate.onnx.CostCounter.NodeCost;
import io.morphgate.onnx.reference.ReferenceEvaluator;
import io.morphgate.onnx.reference.ReferenceEvaluator.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static io.morphgate.onnx.TestModels.exported;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * torchvision's networks as torch.onnx.export writes them (models/export/export_torchvision.py at 64x64, opset 13,
 * BatchNorm folded except in resnet18-bn): the graph code accepts them, counts them as PyTorch does, and computes
 * what ONNX Runtime computes. Skipped without MORPHGATE_EXPORTED_MODELS.
 */
class TorchExportsTest {

    @ParameterizedTest
    @ValueSource(strings = {"mobilenet_v2.onnx", "resnet18.onnx", "resnet18-bn.onnx", "vgg11_bn.onnx"})
    void passesTheGraphCheckWithAThousandClassScoresPerSample(String file) {
        ModelProto model = OnnxModelIO.read(exported(file));
        Map<String, long[]> shapes = GraphCheck.check(model);
        assertArrayEquals(new long[] {-1, 1000}, shapes.get("logits"));
        assertArrayEquals(new long[] {-1, 3, 64, 64}, shapes.get("input"));
    }

    /**
     * The figure the gateway reported for this export: convs 148,045,824 + fc 512,000 + global pool 512*2*2.
     * Parameters as PyTorch counts them: conv and fc weights and biases 11,679,912, plus the 4,800 batch-norm
     * channels the exporter folds into conv biases.
     */
    @Test
    void resnet18CostsWhatTheGatewayReported() {
        ModelCost cost = CostCounter.count(OnnxModelIO.read(exported("resnet18.onnx")));
        assertEquals(148_559_872L, cost.macs());
        assertEquals(11_684_712L, cost.params());
    }

    /**
     * Figures from PyTorch itself (forward hooks on torchvision's mobilenet_v2 at 64x64, no ONNX involved): the
     * Conv2d modules do 24,448,512 MACs (output elements * in_channels/groups * kh * kw, so the 17 depthwise convs
     * count 9 per output element), the Linear 1280 * 1000; the global pool adds its 1280 * 2 * 2 inputs by this
     * counter's rule. Parameters: conv and linear weights and biases 3,470,760, plus the 17,056 batch-norm channels
     * the exporter folds into conv biases.
     */
    @Test
    void mobileNetV2CostsWhatPyTorchCounts() {
        ModelCost cost = CostCounter.count(OnnxModelIO.read(exported("mobilenet_v2.onnx")));
        assertEquals(24_448_512L, macsOf(cost, "Conv"));
        assertEquals(1_280_000L, macsOf(cost, "Gemm"));
        assertEquals(5_120L, macsOf(cost, "GlobalAveragePool"));
        assertEquals(24_448_512L + 1_280_000L + 5_120L, cost.macs());
        assertEquals(0L, macsOf(cost, "Clip") + macsOf(cost, "Constant"));
        assertEquals(3_487_816L, cost.params());
        assertEquals(0L, cost.batchNormParams());
    }

    /**
     * MACs summed in Python over the same files with the onnx package (shapes from onnx.shape_inference; Conv:
     * output elements * in/group * kh * kw, Gemm: K * N, BatchNormalization: its elements, global pool: its input
     * elements). resnet18-bn: the convs and fc of resnet18 plus 202,752 for its twenty batch norms; vgg11_bn: convs
     * 611,057,664, three fc layers 22,970,368, global pool 2,048.
     */
    @ParameterizedTest
    @CsvSource({"resnet18-bn.onnx, 148762624", "vgg11_bn.onnx, 634030080"})
    void otherExportsCostWhatTheOnnxPackageCounts(String file, long macs) {
        assertEquals(macs, CostCounter.count(OnnxModelIO.read(exported(file))).macs());
    }

    /**
     * torchvision initialises each conv with Kaiming's rule on fan-out, which for a depthwise conv counts all its
     * channels: activations shrink block after block and the logits of a N(0,1) input are about 1e-9. So the input is
     * N(0,1) times 10, enough for ReLU6's upper bound to act (this test checks it does, in the stem), and the
     * logits are compared to 1e-4 of their own scale: an absolute 1e-4 would accept any output at all, even one
     * computed with Relu for every Clip.
     */
    @Test
    void mobileNetV2EvaluatesAsOnnxRuntimeDoes() {
        ModelProto model = OnnxModelIO.read(exported("mobilenet_v2.onnx"));
        Tensor input = scaled(TestModels.randomInput(20261202, 1, 3, 64, 64), 10f);
        String stem = model.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Clip")).findFirst()
                .orElseThrow().getOutput(0);
        ModelProto upToStem = TestModels.withOutput(model, stem, ShapeInference.infer(model).get(stem));
        Tensor stemByOrt = OrtRunner.run(upToStem, input);
        assertTrue(countOf(stemByOrt, 6f) > 1000, "the stem's ReLU6 clips at 6");
        assertClose(stemByOrt, ReferenceEvaluator.run(upToStem, input));
        assertClose(OrtRunner.run(model, input), ReferenceEvaluator.run(model, input));
    }

    @ParameterizedTest
    @ValueSource(strings = {"resnet18.onnx", "resnet18-bn.onnx"})
    void resnet18EvaluatesAsOnnxRuntimeDoes(String file) {
        ModelProto model = OnnxModelIO.read(exported(file));
        Tensor input = TestModels.randomInput(20261202, 1, 3, 64, 64);
        Tensor expected = OrtRunner.run(model, input);
        assertArrayEquals(new long[] {1, 1000}, expected.shape());
        assertClose(expected, ReferenceEvaluator.run(model, input));
    }

    /** Equal to 1e-4, or to 1e-4 of the expected tensor's largest magnitude when that is below 1. */
    private static void assertClose(Tensor expected, Tensor actual) {
        double scale = 0;
        for (float v : expected.data()) {
            scale = Math.max(scale, Math.abs(v));
        }
        TestModels.assertClose(expected, actual, 1e-4 * Math.min(1, scale));
    }

    private static Tensor scaled(Tensor t, float factor) {
        float[] data = t.data().clone();
        for (int i = 0; i < data.length; i++) {
            data[i] *= factor;
        }
        return new Tensor(t.shape(), data);
    }

    private static long countOf(Tensor t, float value) {
        long n = 0;
        for (float v : t.data()) {
            n += v == value ? 1 : 0;
        }
        return n;
    }

    private static long macsOf(ModelCost cost, String opType) {
        return cost.nodes().stream().filter(n -> n.opType().equals(opType)).mapToLong(NodeCost::macs).sum();
    }
}
