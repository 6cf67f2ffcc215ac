package io.morphgate.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.morphgate.onnx.CostCounter.ModelCost;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CostCounterTest {

    /** The source article's worked example: a 3x3 conv from 7x7x3 to 5x5x128, valid padding, stride 1. */
    @Test
    void standardConvOfTheArticle() {
        GraphBuilder b = new GraphBuilder("standard");
        String t = b.conv(b.input("x", 3, 7, 7), new float[128 * 3 * 9], 128, 3, 3, 3, null, 1, 1, 0, 0, 0, 0, 1);
        ModelCost cost = CostCounter.count(b.output(t, "y", 128, 5, 5).build());
        assertEquals(86_400, cost.macs());
        assertEquals(3_456, cost.weights());
        assertEquals(0, cost.biases());
        assertEquals(3_456, cost.params());
    }

    /** Its depthwise-separable form: 3x3 depthwise (3 groups, with bias) then 1x1 conv 3->128 without bias. */
    @Test
    void depthwiseSeparableFormOfTheArticle() {
        GraphBuilder b = new GraphBuilder("separable");
        String t = b.conv(b.input("x", 3, 7, 7), new float[3 * 9], 3, 1, 3, 3, new float[3], 1, 1, 0, 0, 0, 0, 3);
        t = b.conv(t, new float[128 * 3], 128, 3, 1, 1, null, 1);
        ModelCost cost = CostCounter.count(b.output(t, "y", 128, 5, 5).build());
        assertEquals(10_275, cost.macs());
        assertEquals(411, cost.weights());
        assertEquals(3, cost.biases());
        assertEquals(414, cost.params());
        assertEquals(675, cost.nodes().get(0).macs());
        assertEquals(30, cost.nodes().get(0).params());
        assertEquals(9_600, cost.nodes().get(1).macs());
    }

    @Test
    void groupedConv() {
        // 8 -> 16 channels in 4 groups: each output channel sees 2 input channels; 6x6 output with same padding.
        GraphBuilder b = new GraphBuilder("grouped");
        String t = b.conv(b.input("x", 8, 6, 6), new float[16 * 2 * 9], 16, 2, 3, 3, new float[16], 4);
        ModelCost cost = CostCounter.count(b.output(t, "y", 16, 6, 6).build());
        assertEquals(6 * 6 * 16 * 2 * 9, cost.macs()); // 10,368
        assertEquals(288, cost.weights());
        assertEquals(16, cost.biases());
    }

    @Test
    void gemmAndMatMul() {
        GraphBuilder b = new GraphBuilder("fc");
        String t = b.gemm(b.input("x", 10), new float[4 * 10], 4, 10, new float[4]);
        t = b.matMul(t, new float[4 * 5], 4, 5);
        ModelCost cost = CostCounter.count(b.output(t, "y", 5).build());
        assertEquals(40 + 20, cost.macs());
        assertEquals(40 + 20, cost.weights());
        assertEquals(4, cost.biases());
        assertEquals(64, cost.params());
    }

    @Test
    void batchNormAndPools() {
        // BN on 4x8x8: 256 multiply-adds, 2*4 parameters. MaxPool 2/2 -> 4x4x4 = 64 outputs x 4 comparisons.
        // AveragePool 2/2 on 4x4x4 -> 4x2x2 = 16 outputs x 4 additions; GAP sums 16 elements.
        GraphBuilder b = new GraphBuilder("bnpool");
        String t = b.batchNorm(b.input("x", 4, 8, 8), new float[4], new float[4], new float[4], new float[4], 1e-5f);
        t = b.maxPool(t, 2, 2);
        t = b.averagePool(t, 2, 2);
        t = b.flatten(b.globalAveragePool(t));
        ModelProto model = b.output(t, "y", 4).build();
        ModelCost cost = CostCounter.count(model);
        assertEquals(256 + 64 + 16, cost.macs());
        assertEquals(256, cost.comparisons());
        assertEquals(8, cost.batchNormParams());
        assertEquals(0, cost.weights());
        assertEquals(8, cost.params());
        assertEquals(5, cost.nodes().size());
        assertEquals("BatchNormalization", cost.nodes().get(0).opType());
        assertEquals(8, cost.nodes().get(0).params());
    }

    @Test
    void backboneTotalsAreTheSumOfItsNodes() {
        ModelCost cost = CostCounter.count(TestModels.backbone());
        long macs = cost.nodes().stream().mapToLong(CostCounter.NodeCost::macs).sum();
        long params = cost.nodes().stream().mapToLong(CostCounter.NodeCost::params).sum();
        assertEquals(cost.macs(), macs);
        assertEquals(cost.params(), params);
        // s1 conv 8*8*8*4*9 + s2 conv 8*8*8*8*9 + 2 BN 512 + GAP 128 + gemm 24
        assertEquals(18_432 + 36_864 + 1_024 + 128 + 24, cost.macs());
    }

    /** ReLU6 costs what Relu costs, nothing; its bounds are constants, not parameters. */
    @Test
    void clipAndItsConstantBoundsCostNothing() {
        // depthwise 3x3, stride 2, pads 1, with bias: 8x8 -> 4x4 on 3 channels, 9 MACs per output element
        GraphBuilder b = new GraphBuilder("relu6");
        String t = b.conv(b.input("x", 3, 8, 8), new float[3 * 9], 3, 1, 3, 3, new float[3], 2, 2, 1, 1, 1, 1, 3);
        t = b.clip(t, b.constant(new long[0], 0f), b.constant(new long[0], 6f));
        ModelCost cost = CostCounter.count(b.output(t, "y", 3, 4, 4).build());
        assertEquals(List.of("Conv", "Constant", "Constant", "Clip"),
                cost.nodes().stream().map(CostCounter.NodeCost::opType).toList());
        assertEquals(List.of(3L * 4 * 4 * 9, 0L, 0L, 0L),
                cost.nodes().stream().map(CostCounter.NodeCost::macs).toList());
        assertEquals(432, cost.macs());
        assertEquals(27, cost.weights());
        assertEquals(3, cost.biases());
        assertEquals(30, cost.params());
    }

    /** Weights held by a Constant node are weights as much as an initializer's. */
    @Test
    void matMulWeightsFromAConstantNodeAreParameters() {
        GraphBuilder b = new GraphBuilder("fc");
        String x = b.input("x", 4);
        String weights = b.constant(new long[] {4, 5}, new float[20]);
        ModelProto built = b.output(b.matMul(x, new float[20], 4, 5), "y", 5).build();
        ModelProto fromConstant = built.toBuilder().setGraph(built.getGraph().toBuilder().clearInitializer()
                .setNode(1, built.getGraph().getNode(1).toBuilder().setInput(1, weights))).build();
        ModelCost cost = CostCounter.count(fromConstant);
        assertEquals(20, cost.macs());
        assertEquals(20, cost.weights());
        assertEquals(20, cost.params());
    }
}
