package io.morphgate.operator.kit.derive;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.slot.SlotWeights;
import io.morphgate.onnx.reference.ReferenceEvaluator;
import io.morphgate.onnx.reference.ReferenceEvaluator.Tensor;
import io.morphgate.operator.kit.derive.DerivedBlock.ConvPart;
import io.morphgate.operator.kit.derive.DerivedBlock.Result;
import io.morphgate.operator.kit.derive.KernelFactorization.LowRankFactors;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The backbone's conv1 at its real size (16 -> 32 channels, 28x28, downsampling) with 64 calibration inputs that are
 * non-negative like the ReLU output feeding it. Checks that calibration stays fast enough to run when a variant is
 * created, and that recalibrating BN brings a truncated variant closer to the slot than sharing the slot's BN.
 */
class RealSizeSlotTest {
    private static final int IN = 16, OUT = 32, H = 28, W = 28, SAMPLES = 64;
    private final SlotSpec slot = TestSlots.slot(IN, OUT, H, W, true);
    private final SlotWeights weights = TestSlots.weights(OUT, IN, 3, 51);
    private final List<float[]> calibration = rectified(TestSlots.inputs(SAMPLES, IN * H * W, 52));

    @Test
    void calibratingConv1IsQuickAndRecalibrationHelps() {
        ConvPart part = lowRank(8);
        long start = System.nanoTime();
        Result r = DerivedBlock.build("conv1-lowrank8", slot, weights, calibration, part);
        double seconds = (System.nanoTime() - start) / 1e9;
        double shared = sharedError(part);
        System.out.printf("conv1 low-rank 8: built with %d samples in %.2f s, relative error %.4f recalibrated, %.4f "
                + "with the slot's BN%n", SAMPLES, seconds, r.relativeError(), shared);
        assertTrue(seconds < 30, "calibration took " + seconds + " s");
        assertTrue(r.relativeError() < shared, r.relativeError() + " recalibrated vs " + shared + " shared");
    }

    @Test
    void fullRankAtRealSizeIsExact() {
        Result r = DerivedBlock.build("conv1-lowrank48", slot, weights, calibration.subList(0, 16), lowRank(IN * 3));
        assertTrue(r.relativeError() < 1e-4, "relative error " + r.relativeError());
    }

    /** The error of the same variant with the slot's BN, over the same inputs. */
    private double sharedError(ConvPart part) {
        ModelProto variant = DerivedBlock.build("shared", slot, weights, List.of(), part).graph();
        ModelProto original = DerivedBlock.build("default", slot, weights, List.of(),
                DerivedBlock.originalConv(slot, weights)).graph();
        double diff = 0, norm = 0;
        for (int start = 0; start < SAMPLES; start += Calibration.CHUNK) {
            float[] batch = new float[Calibration.CHUNK * IN * H * W];
            for (int i = 0; i < Calibration.CHUNK; i++) {
                System.arraycopy(calibration.get(start + i), 0, batch, i * IN * H * W, IN * H * W);
            }
            Tensor x = new Tensor(new long[] {Calibration.CHUNK, IN, H, W}, batch);
            float[] a = ReferenceEvaluator.run(variant, x).data(), e = ReferenceEvaluator.run(original, x).data();
            for (int i = 0; i < a.length; i++) {
                diff += ((double) a[i] - e[i]) * ((double) a[i] - e[i]);
                norm += (double) e[i] * e[i];
            }
        }
        return Math.sqrt(diff / norm);
    }

    private ConvPart lowRank(int rank) {
        LowRankFactors f = KernelFactorization.lowRank(weights, rank);
        return (g, x) -> g.conv(g.conv(x, f.horizontal(), rank, IN, 1, 3, null, 1), f.vertical(), OUT, rank, 3, 1,
                null, 1);
    }

    private static List<float[]> rectified(List<float[]> xs) {
        for (float[] x : xs) {
            for (int i = 0; i < x.length; i++) {
                x[i] = Math.max(0, x[i]);
            }
        }
        return xs;
    }
}
