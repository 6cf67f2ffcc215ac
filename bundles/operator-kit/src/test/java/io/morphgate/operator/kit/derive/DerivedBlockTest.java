package io.morphgate.operator.kit.derive;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.slot.SlotWeights;
import io.morphgate.onnx.GraphException;
import io.morphgate.onnx.reference.ReferenceEvaluator;
import io.morphgate.onnx.reference.ReferenceEvaluator.Tensor;
import io.morphgate.operator.kit.derive.DerivedBlock.ConvPart;
import io.morphgate.operator.kit.derive.DerivedBlock.Result;
import io.morphgate.operator.kit.derive.KernelFactorization.LowRankFactors;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DerivedBlockTest {
    private static final int IN = 8, OUT = 16, H = 10, W = 10;
    private final SlotSpec slot = TestSlots.slot(IN, OUT, H, W, true);
    private final SlotWeights weights = TestSlots.weights(OUT, IN, 3, 41);
    private final List<float[]> calibration = TestSlots.inputs(32, IN * H * W, 42);

    @Test
    void fullRankFactorsReproduceTheSlot() {
        Result r = DerivedBlock.build("v", slot, weights, calibration, lowRank(Math.min(OUT, IN) * 3));
        assertTrue(r.recalibrated());
        assertEquals(32, r.calibrationSamples());
        assertTrue(r.relativeError() < 1e-4, "relative error " + r.relativeError());
    }

    @Test
    void rankOneIsFurtherFromTheSlot() {
        double full = DerivedBlock.build("v", slot, weights, calibration, lowRank(24)).relativeError();
        double one = DerivedBlock.build("v", slot, weights, calibration, lowRank(1)).relativeError();
        assertTrue(one > 0.1 && one > 100 * full, "rank 1: " + one + ", full rank: " + full);
    }

    @Test
    void theVariantHasTheSlotInterface() {
        ModelProto graph = DerivedBlock.build("v", slot, weights, calibration, lowRank(4)).graph();
        assertEquals("input", graph.getGraph().getInput(0).getName());
        assertEquals("output", graph.getGraph().getOutput(0).getName());
        Tensor y = ReferenceEvaluator.run(graph, new Tensor(new long[] {1, IN, H, W}, calibration.get(0)));
        assertArrayEquals(new long[] {1, OUT, H / 2, W / 2}, y.shape());
    }

    @Test
    void aSlotThatKeepsItsResolutionHasNoPool() {
        SlotSpec same = TestSlots.slot(IN, OUT, H, W, false);
        Result r = DerivedBlock.build("v", same, weights, calibration.subList(0, 4), lowRank(24));
        assertTrue(r.graph().getGraph().getNodeList().stream().noneMatch(n -> n.getOpType().equals("MaxPool")));
        assertTrue(r.relativeError() < 1e-4);
    }

    @Test
    void withoutCalibrationTheSlotBatchNormIsShared() {
        Result r = DerivedBlock.build("v", slot, weights, List.of(), lowRank(4));
        assertFalse(r.recalibrated());
        assertTrue(Double.isNaN(r.relativeError()));
        assertEquals(0, r.calibrationSamples());
        Tensor y = ReferenceEvaluator.run(r.graph(), new Tensor(new long[] {1, IN, H, W}, calibration.get(0)));
        assertArrayEquals(new long[] {1, OUT, H / 2, W / 2}, y.shape());
    }

    @Test
    void theSlotOwnConvIsReproducedExactlyAndKeepsItsBatchNorm() {
        Result r = DerivedBlock.build("v", slot, weights, calibration, DerivedBlock.originalConv(slot, weights));
        assertTrue(r.relativeError() < 1e-6, "relative error " + r.relativeError());
    }

    @Test
    void refusesAConvPartOfTheWrongWidthAndSamplesOfTheWrongSize() {
        ConvPart narrow = (g, x) -> g.conv(x, new float[4 * IN * 9], 4, IN, 3, 3, null, 1);
        assertThrows(GraphException.class, () -> DerivedBlock.build("v", slot, weights, calibration, narrow));
        assertThrows(IllegalArgumentException.class,
                () -> DerivedBlock.build("v", slot, weights, List.of(new float[3]), lowRank(4)));
        SlotWeights other = TestSlots.weights(OUT, IN + 1, 3, 43);
        assertThrows(IllegalArgumentException.class,
                () -> DerivedBlock.build("v", slot, other, calibration, lowRank(4)));
    }

    private ConvPart lowRank(int rank) {
        LowRankFactors f = KernelFactorization.lowRank(weights, rank);
        return (g, x) -> g.conv(g.conv(x, f.horizontal(), rank, IN, 1, 3, null, 1), f.vertical(), OUT, rank, 3, 1,
                null, 1);
    }
}
