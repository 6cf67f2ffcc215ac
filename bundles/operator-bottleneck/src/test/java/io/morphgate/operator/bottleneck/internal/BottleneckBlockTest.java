package io.morphgate.operator.bottleneck.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.variant.OperatorKind;
import io.morphgate.api.variant.Provenance;
import io.morphgate.api.variant.VariantDescriptor;
import io.morphgate.onnx.GraphCheck;
import io.morphgate.onnx.OnnxModelIO;
import io.morphgate.operator.kit.BlockVariant;
import io.morphgate.operator.kit.testing.FakeOperatorFramework;

class BottleneckBlockTest {

    private static final SlotSpec CONV1 = FakeOperatorFramework.SLOTS.get(0);
    private static final SlotSpec CONV3 = FakeOperatorFramework.SLOTS.get(2);
    private static final SlotSpec CONV4 = FakeOperatorFramework.SLOTS.get(3);

    private final BottleneckBlock block = new BottleneckBlock(42);

    @Test
    void halfWidthOnConv1() {
        VariantDescriptor d = block.variant(CONV1, 0.5).orElseThrow().descriptor();
        assertEquals("bottleneck-conv1-b0.5", d.id());
        assertEquals(OperatorKind.BOTTLENECK, d.kind());
        assertEquals(Provenance.SYNTHETIC, d.provenance());
        assertEquals("16", d.hyperParameters().get("f1")); // int(32 * 0.5)
        // at 28x28 (the pool comes after the block and adds no MACs):
        // 1x1 16->16: 28*28*16*16   =   200,704
        // 3x3 16->16: 28*28*16*16*9 = 1,806,336
        // 1x1 16->32: 28*28*32*16   =   401,408
        // BN over 32x28x28          =    25,088
        assertEquals(2_433_536L, d.macs());
        // weights 16*16 + 16*16*9 + 32*16 = 256 + 2,304 + 512 = 3,072; BN scale and shift 2*32 = 64
        assertEquals(3_136L, d.params());
    }

    @Test
    void widthThatDoesNotDivideIsTruncatedLikeInt() {
        VariantDescriptor d = block.variant(CONV4, 0.3).orElseThrow().descriptor();
        assertEquals("bottleneck-conv4-b0.3", d.id());
        assertEquals("19", d.hyperParameters().get("f1")); // int(64 * 0.3) = int(19.2) = 19
        // at 7x7 = 49 positions:
        // 1x1 64->19: 49*19*64   = 59,584
        // 3x3 19->19: 49*19*19*9 = 159,201
        // 1x1 19->64: 49*64*19   = 59,584
        // BN over 64x7x7         =  3,136
        assertEquals(281_505L, d.macs());
        // weights 1,216 + 3,249 + 1,216 = 5,681; BN 2*64 = 128
        assertEquals(5_809L, d.params());
    }

    @Test
    void quarterWidthOnConv3() {
        VariantDescriptor d = block.variant(CONV3, 0.25).orElseThrow().descriptor();
        assertEquals("16", d.hyperParameters().get("f1")); // int(64 * 0.25)
        // at 14x14 = 196 positions, before the pool:
        // 1x1 32->16: 196*16*32   = 100,352
        // 3x3 16->16: 196*16*16*9 = 451,584
        // 1x1 16->64: 196*64*16   = 200,704
        // BN over 64x14x14        =  12,544
        assertEquals(765_184L, d.macs());
        // weights 512 + 2,304 + 1,024 = 3,840; BN 2*64 = 128
        assertEquals(3_968L, d.params());
    }

    @Test
    void structureIsReduceCoreExpandWithoutBiasThenBnReluAndTheSlotsPool() {
        BlockVariant v = block.variant(CONV3, 0.5).orElseThrow();
        ModelProto graph = OnnxModelIO.read(v.subGraph());
        List<NodeProto> nodes = graph.getGraph().getNodeList();
        assertEquals(List.of("Conv", "Conv", "Conv", "BatchNormalization", "Relu", "MaxPool"),
                nodes.stream().map(NodeProto::getOpType).toList());
        assertEquals(List.of(List.of(1L, 1L), List.of(3L, 3L), List.of(1L, 1L)), nodes.stream()
                .filter(n -> n.getOpType().equals("Conv")).map(n -> ints(n, "kernel_shape")).toList());
        assertTrue(nodes.stream().filter(n -> n.getOpType().equals("Conv")).allMatch(n -> n.getInputCount() == 2),
                "Bottleneck_block convolutions have no bias");
        assertEquals(List.of(0L, 0L, 0L, 0L), ints(nodes.get(0), "pads"));
        assertEquals(List.of(1L, 1L, 1L, 1L), ints(nodes.get(1), "pads"), "same padding");
        assertEquals(0, v.cost().biases());
        Map<String, long[]> shapes = GraphCheck.check(graph);
        assertArrayEquals(new long[] {-1, 64, 7, 7}, shapes.get(graph.getGraph().getOutput(0).getName()));
    }

    @Test
    void noVariantWhenTheWidthTruncatesToZeroOrBetaIsOutOfRange() {
        assertTrue(block.variant(CONV4, 0.01).isEmpty()); // int(0.64) = 0
        assertTrue(block.variant(CONV4, 1.5).isEmpty());
    }

    static List<Long> ints(NodeProto node, String attribute) {
        return node.getAttributeList().stream().filter(a -> a.getName().equals(attribute)).findFirst()
                .map(AttributeProto::getIntsList).orElseThrow();
    }
}
