package io.morphgate.operator.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.slot.TensorShape;
import io.morphgate.api.variant.OperatorKind;
import io.morphgate.api.variant.Provenance;
import io.morphgate.onnx.OnnxModelIO;

class SlotBlockTest {

    /** A plain 3x3 conv to the slot's width: the slot's own default layer. */
    private static ModelProto defaultLayer(SlotSpec slot) {
        SeededParameters p = new SeededParameters(1);
        int in = slot.input().channels();
        int out = slot.output().channels();
        return SlotBlock.build("default", slot, (g, x) -> g.conv(x, p.convWeights(out, in, 3, 3), out, in, 3, 3,
                null, 1), p::batchNorm);
    }

    @Test
    void aPooledSlotKeepsItsPoolAfterBnAndRelu() {
        ModelProto graph = defaultLayer(TestSlots.POOLED);
        assertEquals(List.of("Conv", "BatchNormalization", "Relu", "MaxPool"),
                graph.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList());
    }

    @Test
    void aPlainSlotHasNoPool() {
        ModelProto graph = defaultLayer(TestSlots.PLAIN);
        assertEquals(List.of("Conv", "BatchNormalization", "Relu"),
                graph.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList());
    }

    @Test
    void aSlotThatShrinksOtherThanByAPoolDoesNotFit() {
        SlotSpec odd = new SlotSpec("odd", 0, new TensorShape(8, 9, 9), new TensorShape(8, 5, 5), 3, "?", 0, 0);
        assertFalse(SlotBlock.fits(odd));
        assertTrue(SlotBlock.fits(TestSlots.POOLED));
        assertThrows(IllegalArgumentException.class, () -> defaultLayer(odd));
    }

    @Test
    void blockVariantCountsItsOwnGraph() {
        BlockVariant v = BlockVariant.of("default-conv1", OperatorKind.LOW_RANK, TestSlots.POOLED,
                Map.of("k", "3"), Provenance.SYNTHETIC, "seed 1", defaultLayer(TestSlots.POOLED));
        // conv 3x3 16->32 at 28x28: 28*28*32*16*9 = 3,612,672 MACs; BN 32*28*28 = 25,088 MACs
        assertEquals(3_612_672L + 25_088, v.descriptor().macs());
        // 32*16*9 = 4,608 weights, no bias, BN scale and shift 2*32 = 64
        assertEquals(4_608 + 64, v.descriptor().params());
        assertEquals(4_608, v.cost().weights());
        assertEquals(0, v.cost().biases());
        assertEquals("conv1", v.descriptor().slot());
        assertEquals(Provenance.SYNTHETIC, v.descriptor().provenance());
        assertEquals("default", OnnxModelIO.read(v.subGraph()).getGraph().getName());
    }

    @Test
    void blockVariantRefusesAGraphWithTheWrongOutputShape() {
        ModelProto plain = defaultLayer(TestSlots.PLAIN);
        SlotSpec wider = new SlotSpec("conv4", 3, new TensorShape(64, 7, 7), new TensorShape(128, 7, 7), 3, "?", 0, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BlockVariant.of("v",
                OperatorKind.LOW_RANK, wider, Map.of(), Provenance.SYNTHETIC, "", plain));
        assertTrue(e.getMessage().contains("output shape"), e.getMessage());
    }

    @Test
    void subGraphIsACopy() {
        BlockVariant v = BlockVariant.of("v", OperatorKind.LOW_RANK, TestSlots.PLAIN, Map.of(), Provenance.SYNTHETIC,
                "", defaultLayer(TestSlots.PLAIN));
        v.subGraph()[0] ^= 1;
        assertEquals("default", OnnxModelIO.read(v.subGraph()).getGraph().getName());
    }
}
