package io.morphgate.operator.lowrank.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.variant.OperatorKind;
import io.morphgate.api.variant.VariantDescriptor;
import io.morphgate.onnx.OnnxModelIO;
import io.morphgate.operator.kit.testing.FakeOperatorFramework;

class LowRankBlockTest {

    private static final SlotSpec POOLED = FakeOperatorFramework.SLOTS.get(0);
    private static final SlotSpec PLAIN = FakeOperatorFramework.SLOTS.get(3);

    private final LowRankBlock block = new LowRankBlock(3, 42);

    @Test
    void halfRankOnAPooledSlotCostsWhatTheArticleFormulaSays() {
        VariantDescriptor d = block.variant(POOLED, 0.5).orElseThrow().descriptor();
        assertEquals("lowrank-conv1-b0.5", d.id());
        assertEquals(OperatorKind.LOW_RANK, d.kind());
        assertEquals("16", d.hyperParameters().get("rank"));
        // 1x3 conv 16->16 and 3x1 conv 16->32 at 28x28, BN over 32x28x28; the pool adds no MACs
        assertEquals(28L * 28 * 16 * 16 * 3 + 28L * 28 * 32 * 16 * 3 + 28L * 28 * 32, d.macs());
        assertEquals(16L * 16 * 3 + 32L * 16 * 3 + 2 * 32, d.params());
    }

    @Test
    void rankIsTruncatedLikeTheArticlesIntWhenTheWidthDoesNotDivide() {
        VariantDescriptor d = block.variant(PLAIN, 0.3).orElseThrow().descriptor();
        // int(64 * 0.3) = int(19.2) = 19
        assertEquals("19", d.hyperParameters().get("rank"));
        assertEquals(7L * 7 * 19 * 64 * 3 + 7L * 7 * 64 * 19 * 3 + 7L * 7 * 64, d.macs());
        assertEquals(19L * 64 * 3 + 64L * 19 * 3 + 2 * 64, d.params());
    }

    @Test
    void quarterRankOnAPlainSlot() {
        VariantDescriptor d = block.variant(PLAIN, 0.25).orElseThrow().descriptor();
        assertEquals(7L * 7 * 16 * 64 * 3 * 2 + 7L * 7 * 64, d.macs());
    }

    @Test
    void svdBlockConvolutionsHaveNoBias() {
        ModelProto graph = OnnxModelIO.read(block.variant(POOLED, 0.25).orElseThrow().subGraph());
        assertTrue(graph.getGraph().getNodeList().stream().noneMatch(n -> n.getInputCount() > 2 && n.getOpType().equals("Conv")),
                "svd_block convolutions have no bias");
    }

    @Test
    void noVariantWhenTheRankTruncatesToZero() {
        assertTrue(block.variant(PLAIN, 0.01).isEmpty());
    }
}
