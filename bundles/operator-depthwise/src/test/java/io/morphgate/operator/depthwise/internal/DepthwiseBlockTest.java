package io.morphgate.operator.depthwise.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.slot.TensorShape;
import io.morphgate.api.variant.OperatorKind;
import io.morphgate.api.variant.VariantDescriptor;
import io.morphgate.onnx.CostCounter;
import io.morphgate.onnx.CostCounter.ModelCost;
import io.morphgate.onnx.GraphBuilder;
import io.morphgate.onnx.GraphCheck;
import io.morphgate.onnx.OnnxModelIO;
import io.morphgate.operator.kit.BlockVariant;
import io.morphgate.operator.kit.SeededParameters;
import io.morphgate.operator.kit.testing.FakeOperatorFramework;

class DepthwiseBlockTest {

    private static final SlotSpec CONV1 = FakeOperatorFramework.SLOTS.get(0);
    private static final SlotSpec CONV3 = FakeOperatorFramework.SLOTS.get(2);
    private static final SlotSpec CONV4 = FakeOperatorFramework.SLOTS.get(3);

    private static final TensorShape ARTICLE_IN = new TensorShape(3, 7, 7);
    private static final TensorShape ARTICLE_OUT = new TensorShape(128, 5, 5);

    private final DepthwiseBlock block = new DepthwiseBlock(42);

    @Test
    void theArticlesWorkedExampleDepthwiseSeparable() {
        // 7x7x3 -> 5x5x128, valid padding, stride 1, depth multiplier 1:
        // depthwise 3x3, 3 filters at 5x5:  5*5*3*9   =   675 MACs, 3*9   =  27 weights
        // pointwise 1x1 3->128 at 5x5:      5*5*128*3 = 9,600 MACs, 128*3 = 384 weights
        // total 10,275 MACs and 411 weights (the article leaves the 3 depthwise biases out of its count)
        GraphBuilder g = new GraphBuilder("article-separable");
        SeededParameters p = new SeededParameters(1);
        String x = g.input("input", 3, 7, 7);
        String y = DepthwiseBlock.convolutions(g, x, 3, 128, 1, 3, 0, 1, p.convWeights(3, 1, 3, 3), p.biases(3),
                p.convWeights(128, 3, 1, 1));
        ModelCost cost = CostCounter.count(g.output(y, "output", 128, 5, 5).build());
        assertEquals(10_275L, cost.macs());
        assertEquals(411L, cost.weights());
        assertEquals(3L, cost.biases());

        // the whole block (the builder with valid padding) adds BN over 128x5x5 = 3,200 MACs and 2*128 parameters;
        // its convolutions still cost exactly the article's figures
        ModelProto whole = DepthwiseBlock.block("article-block", ARTICLE_IN, ARTICLE_OUT, 1, 3, 0, p);
        assertArrayEquals(new long[] {-1, 128, 5, 5}, GraphCheck.check(whole).get("output"));
        ModelCost blockCost = CostCounter.count(whole);
        assertEquals(10_275L, blockCost.nodes().stream().filter(n -> n.opType().equals("Conv"))
                .mapToLong(CostCounter.NodeCost::macs).sum());
        assertEquals(411L, blockCost.weights());
        assertEquals(10_275L + 3_200, blockCost.macs());
    }

    @Test
    void theArticlesWorkedExamplePlainConvolution() {
        // 3x3 conv 7x7x3 -> 5x5x128, valid: 5*5*128*3*9 = 86,400 MACs, 128*3*9 = 3,456 weights
        GraphBuilder g = new GraphBuilder("article-plain");
        String x = g.input("input", 3, 7, 7);
        String y = g.conv(x, new SeededParameters(1).convWeights(128, 3, 3, 3), 128, 3, 3, 3, null, 1, 1, 0, 0, 0,
                0, 1);
        ModelCost cost = CostCounter.count(g.output(y, "output", 128, 5, 5).build());
        assertEquals(86_400L, cost.macs());
        assertEquals(3_456L, cost.weights());
    }

    @Test
    void multiplierOneOnConv1() {
        BlockVariant v = block.variant(CONV1, 1).orElseThrow();
        VariantDescriptor d = v.descriptor();
        assertEquals("depthwise-conv1-m1", d.id());
        assertEquals(OperatorKind.DEPTHWISE_SEPARABLE, d.kind());
        // at 28x28 = 784 positions, before the pool:
        // depthwise 3x3, 16 filters: 784*16*9  = 112,896
        // pointwise 1x1 16->32:      784*32*16 = 401,408
        // BN over 32x28x28                     =  25,088
        assertEquals(539_392L, d.macs());
        // weights 144 + 512 = 656; depthwise biases 16; BN 2*32 = 64
        assertEquals(656, v.cost().weights());
        assertEquals(16, v.cost().biases());
        assertEquals(736L, d.params());
    }

    @Test
    void multiplierTwoOnConv4() {
        VariantDescriptor d = block.variant(CONV4, 2).orElseThrow().descriptor();
        assertEquals("depthwise-conv4-m2", d.id());
        // at 7x7 = 49 positions: depthwise 64*2 = 128 filters 49*128*9 = 56,448; pointwise 128->64
        // 49*64*128 = 401,408; BN 64*49 = 3,136
        assertEquals(460_992L, d.macs());
        // weights 128*9 + 64*128 = 1,152 + 8,192; biases 128; BN 128
        assertEquals(9_600L, d.params());
    }

    @Test
    void multiplierOneOnConv3() {
        VariantDescriptor d = block.variant(CONV3, 1).orElseThrow().descriptor();
        // at 14x14 = 196: depthwise 196*32*9 = 56,448; pointwise 196*64*32 = 401,408; BN 64*196 = 12,544
        assertEquals(470_400L, d.macs());
        // weights 288 + 2,048; biases 32; BN 128
        assertEquals(2_496L, d.params());
    }

    @Test
    void depthwiseWithBiasThenPointwiseWithoutThenBnReluAndTheSlotsPool() {
        ModelProto graph = OnnxModelIO.read(block.variant(CONV1, 2).orElseThrow().subGraph());
        List<NodeProto> nodes = graph.getGraph().getNodeList();
        assertEquals(List.of("Conv", "Conv", "BatchNormalization", "Relu", "MaxPool"),
                nodes.stream().map(NodeProto::getOpType).toList());
        NodeProto depthwise = nodes.get(0);
        assertEquals(3, depthwise.getInputCount(), "the depthwise conv has a bias");
        assertEquals(16L, attribute(depthwise, "group").getI(), "one group per input channel");
        assertEquals(List.of(3L, 3L), attribute(depthwise, "kernel_shape").getIntsList());
        assertEquals(List.of(1L, 1L, 1L, 1L), attribute(depthwise, "pads").getIntsList(), "same padding");
        NodeProto pointwise = nodes.get(1);
        assertEquals(2, pointwise.getInputCount(), "the pointwise conv has no bias");
        assertEquals(List.of(1L, 1L), attribute(pointwise, "kernel_shape").getIntsList());
        assertArrayEquals(new long[] {-1, 32, 14, 14},
                GraphCheck.check(graph).get(graph.getGraph().getOutput(0).getName()));
        // depthwise weights are [in*m][1][3][3] = [32][1][3][3]
        assertEquals(List.of(32L, 1L, 3L, 3L), graph.getGraph().getInitializerList().stream()
                .filter(t -> t.getName().equals(depthwise.getInput(1))).findFirst().orElseThrow().getDimsList());
    }

    @Test
    void aZeroMultiplierGivesNoVariant() {
        assertTrue(block.variant(CONV4, 0).isEmpty());
    }

    private static AttributeProto attribute(NodeProto node, String name) {
        return node.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst().orElseThrow();
    }
}
