package io.morphgate.operator.fire.internal;

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
import io.morphgate.operator.kit.BlockVariant;

class FireBlockTest {

    private static final SlotSpec CONV1 = new SlotSpec("conv1", 0, new TensorShape(16, 28, 28),
            new TensorShape(32, 14, 14), 3, "conv3x3(16->32)+BN+ReLU+maxpool2", 0, 0);
    private static final SlotSpec CONV2 = new SlotSpec("conv2", 1, new TensorShape(32, 14, 14),
            new TensorShape(32, 14, 14), 3, "conv3x3(32->32)+BN+ReLU", 0, 0);
    private static final SlotSpec CONV3 = new SlotSpec("conv3", 2, new TensorShape(32, 14, 14),
            new TensorShape(64, 7, 7), 3, "conv3x3(32->64)+BN+ReLU+maxpool2", 0, 0);
    /** A pooled slot of width 20, where 20/8 = 2.5 truncates. */
    private static final SlotSpec NARROW = new SlotSpec("narrow", 0, new TensorShape(16, 28, 28),
            new TensorShape(20, 14, 14), 3, "conv3x3(16->20)+BN+ReLU+maxpool2", 0, 0);

    private final FireBlock block = new FireBlock(42);

    @Test
    void oneEighthOnConv1IsTheArticlesFirstConfiguration() {
        BlockVariant v = block.variant(CONV1, 0.125).orElseThrow();
        VariantDescriptor d = v.descriptor();
        assertEquals("fire-conv1-s0.125", d.id());
        assertEquals(OperatorKind.FIRE, d.kind());
        assertEquals("4", d.hyperParameters().get("squeeze")); // int(32 * 0.125) = int(32/8)
        assertEquals("16", d.hyperParameters().get("expand")); // 32 / 2 = 4s
        // at 28x28 = 784 positions (the pool comes last and adds no MACs):
        // squeeze 1x1 16->4: 784*4*16   =  50,176
        // expand  1x1 4->16: 784*16*4   =  50,176
        // expand  3x3 4->16: 784*16*4*9 = 451,584
        assertEquals(551_936L, d.macs());
        // weights 64 + 64 + 576 = 704; biases 4 + 16 + 16 = 36
        assertEquals(704, v.cost().weights());
        assertEquals(36, v.cost().biases());
        assertEquals(740L, d.params());
    }

    @Test
    void oneQuarterOnConv1IsTheArticlesSecondConfiguration() {
        VariantDescriptor d = block.variant(CONV1, 0.25).orElseThrow().descriptor();
        assertEquals("8", d.hyperParameters().get("squeeze")); // int(32 / 4)
        // squeeze 784*8*16 = 100,352; expand 1x1 784*16*8 = 100,352; expand 3x3 784*16*8*9 = 903,168
        assertEquals(1_103_872L, d.macs());
        // weights 128 + 128 + 1,152 = 1,408; biases 8 + 16 + 16 = 40
        assertEquals(1_448L, d.params());
    }

    @Test
    void oneEighthOnConv3() {
        VariantDescriptor d = block.variant(CONV3, 0.125).orElseThrow().descriptor();
        // s = 8, e = 32 at 14x14 = 196: 196*8*32 + 196*32*8 + 196*32*8*9 = 50,176 + 50,176 + 451,584
        assertEquals(551_936L, d.macs());
        // weights 256 + 256 + 2,304 = 2,816; biases 8 + 32 + 32 = 72
        assertEquals(2_888L, d.params());
    }

    @Test
    void squeezeWidthIsTruncatedLikeInt() {
        VariantDescriptor d = block.variant(NARROW, 0.125).orElseThrow().descriptor();
        assertEquals("2", d.hyperParameters().get("squeeze")); // int(20 * 0.125) = int(2.5) = 2
        assertEquals("10", d.hyperParameters().get("expand"));
        // at 784 positions: 784*2*16 + 784*10*2 + 784*10*2*9 = 25,088 + 15,680 + 141,120
        assertEquals(181_888L, d.macs());
        // weights 32 + 20 + 180 = 232; biases 2 + 10 + 10 = 22
        assertEquals(254L, d.params());

        VariantDescriptor c3 = block.variant(CONV3, 0.3).orElseThrow().descriptor();
        assertEquals("19", c3.hyperParameters().get("squeeze")); // int(64 * 0.3) = int(19.2) = 19
        // 196*19*32 + 196*32*19 + 196*32*19*9 = 119,168 + 119,168 + 1,072,512
        assertEquals(1_310_848L, c3.macs());
        // weights 608 + 608 + 5,472 = 6,688; biases 19 + 32 + 32 = 83
        assertEquals(6_771L, c3.params());
    }

    @Test
    void onlyOfferedWhereTheDefaultLayerHalvesHAndW() {
        assertFalse(FireBlock.fits(CONV2));
        assertTrue(block.variant(CONV2, 0.125).isEmpty());
        assertTrue(FireBlock.fits(CONV1));
        assertTrue(FireBlock.whyNot(CONV2).orElseThrow().contains("without halving H and W"),
                FireBlock.whyNot(CONV2).orElseThrow());
        assertTrue(FireBlock.whyNot(CONV1, 0.01).orElseThrow().contains("squeeze ratio 0.01"));
    }

    @Test
    void noVariantWhenTheSqueezeTruncatesToZero() {
        assertTrue(block.variant(CONV1, 0.01).isEmpty()); // int(0.32) = 0
    }

    @Test
    void squeezeReluThenTwoExpandsEachWithBiasAndReluConcatenatedThenPool() {
        ModelProto graph = OnnxModelIO.read(block.variant(CONV1, 0.125).orElseThrow().subGraph());
        List<NodeProto> nodes = graph.getGraph().getNodeList();
        assertEquals(List.of("Conv", "Relu", "Conv", "Relu", "Conv", "Relu", "Concat", "MaxPool"),
                nodes.stream().map(NodeProto::getOpType).toList());
        assertTrue(nodes.stream().filter(n -> n.getOpType().equals("Conv")).allMatch(n -> n.getInputCount() == 3),
                "fire_block convolutions have a bias");
        assertTrue(nodes.stream().noneMatch(n -> n.getOpType().equals("BatchNormalization")));
        String squeezed = nodes.get(1).getOutput(0);
        assertEquals(squeezed, nodes.get(2).getInput(0), "expand 1x1 reads the squeeze");
        assertEquals(squeezed, nodes.get(4).getInput(0), "expand 3x3 reads the squeeze");
        for (int conv : new int[] {0, 2, 4}) {
            assertEquals(nodes.get(conv).getOutput(0), nodes.get(conv + 1).getInput(0), "a ReLU after each conv");
        }
        assertEquals(List.of(1L, 1L), ints(nodes.get(2), "kernel_shape"));
        assertEquals(List.of(3L, 3L), ints(nodes.get(4), "kernel_shape"));
        assertEquals(List.of(nodes.get(3).getOutput(0), nodes.get(5).getOutput(0)), nodes.get(6).getInputList());
        assertEquals(List.of(2L, 2L), ints(nodes.get(7), "kernel_shape"));
        assertEquals(List.of(2L, 2L), ints(nodes.get(7), "strides"));
        assertArrayEquals(new long[] {-1, 32, 14, 14},
                GraphCheck.check(graph).get(graph.getGraph().getOutput(0).getName()));
    }

    private static List<Long> ints(NodeProto node, String attribute) {
        return node.getAttributeList().stream().filter(a -> a.getName().equals(attribute)).findFirst()
                .map(AttributeProto::getIntsList).orElseThrow();
    }
}
