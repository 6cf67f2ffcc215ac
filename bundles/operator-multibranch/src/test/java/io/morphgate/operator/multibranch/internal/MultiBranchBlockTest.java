package io.morphgate.operator.multibranch.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import io.morphgate.onnx.GraphCheck;
import io.morphgate.onnx.OnnxModelIO;
import io.morphgate.operator.kit.testing.FakeOperatorFramework;

class MultiBranchBlockTest {

    private static final SlotSpec CONV1 = FakeOperatorFramework.SLOTS.get(0);
    private static final SlotSpec CONV3 = FakeOperatorFramework.SLOTS.get(2);
    private static final SlotSpec CONV4 = FakeOperatorFramework.SLOTS.get(3);
    private static final SlotSpec ODD = new SlotSpec("odd", 1, new TensorShape(16, 14, 14),
            new TensorShape(33, 14, 14), 3, "conv3x3(16->33)+BN+ReLU", 0, 0);

    private final MultiBranchBlock block = new MultiBranchBlock(42);

    @Test
    void kernelThreeOnConv1() {
        VariantDescriptor d = block.variant(CONV1, 3).orElseThrow().descriptor();
        assertEquals("multibranch-conv1-k3", d.id());
        assertEquals(OperatorKind.MULTI_BRANCH, d.kind());
        assertEquals("16", d.hyperParameters().get("branchFilters")); // 32 / 2
        // at 28x28 = 784 positions, before the pool:
        // 1x3 16->16: 784*16*16*3 = 602,112
        // 3x1 16->16: 784*16*16*3 = 602,112
        // BN over 32x28x28        =  25,088
        assertEquals(1_229_312L, d.macs());
        // weights 2 * 16*16*3 = 1,536; BN 2*32 = 64
        assertEquals(1_600L, d.params());
    }

    @Test
    void kernelFiveOnConv4() {
        VariantDescriptor d = block.variant(CONV4, 5).orElseThrow().descriptor();
        assertEquals("multibranch-conv4-k5", d.id());
        // at 7x7 = 49 positions: 1x5 and 5x1 64->32: 2 * 49*32*64*5 = 1,003,520; BN 64*49 = 3,136
        assertEquals(1_006_656L, d.macs());
        // weights 2 * 32*64*5 = 20,480; BN 128
        assertEquals(20_608L, d.params());
    }

    @Test
    void kernelThreeOnConv3() {
        VariantDescriptor d = block.variant(CONV3, 3).orElseThrow().descriptor();
        // at 14x14 = 196 positions: 2 * 196*32*32*3 = 1,204,224; BN 64*196 = 12,544
        assertEquals(1_216_768L, d.macs());
        // weights 2 * 32*32*3 = 6,144; BN 128
        assertEquals(6_272L, d.params());
    }

    @Test
    void refusesAnOddWidth() {
        // 33 / 2 = 16 per branch would concatenate to 32 channels, not 33
        assertFalse(MultiBranchBlock.fits(ODD));
        assertTrue(block.variant(ODD, 3).isEmpty());
    }

    @Test
    void refusesAnEvenKernel() {
        assertTrue(block.variant(CONV4, 2).isEmpty());
    }

    @Test
    void twoParallelBranchesFromTheInputConcatenatedOnChannelsThenBnReluPool() {
        ModelProto graph = OnnxModelIO.read(block.variant(CONV1, 3).orElseThrow().subGraph());
        List<NodeProto> nodes = graph.getGraph().getNodeList();
        assertEquals(List.of("Conv", "Conv", "Concat", "BatchNormalization", "Relu", "MaxPool"),
                nodes.stream().map(NodeProto::getOpType).toList());
        String input = graph.getGraph().getInput(0).getName();
        assertEquals(input, nodes.get(0).getInput(0), "branch 1 reads the block input");
        assertEquals(input, nodes.get(1).getInput(0), "branch 2 reads the block input");
        assertEquals(List.of(1L, 3L), ints(nodes.get(0), "kernel_shape"));
        assertEquals(List.of(3L, 1L), ints(nodes.get(1), "kernel_shape"));
        assertEquals(List.of(0L, 1L, 0L, 1L), ints(nodes.get(0), "pads"), "same padding");
        assertEquals(List.of(1L, 0L, 1L, 0L), ints(nodes.get(1), "pads"), "same padding");
        assertTrue(nodes.stream().filter(n -> n.getOpType().equals("Conv")).allMatch(n -> n.getInputCount() == 2),
                "inception_block convolutions have no bias");
        NodeProto concat = nodes.get(2);
        assertEquals(List.of(nodes.get(0).getOutput(0), nodes.get(1).getOutput(0)), concat.getInputList());
        assertEquals(1L, concat.getAttributeList().stream().filter(a -> a.getName().equals("axis")).findFirst()
                .orElseThrow().getI());
        assertArrayEquals(new long[] {-1, 32, 14, 14},
                GraphCheck.check(graph).get(graph.getGraph().getOutput(0).getName()));
    }

    private static List<Long> ints(NodeProto node, String attribute) {
        return node.getAttributeList().stream().filter(a -> a.getName().equals(attribute)).findFirst()
                .map(AttributeProto::getIntsList).orElseThrow();
    }
}
