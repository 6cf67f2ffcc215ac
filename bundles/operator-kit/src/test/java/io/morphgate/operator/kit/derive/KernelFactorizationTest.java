package io.morphgate.operator.kit.derive;

import io.morphgate.api.slot.SlotWeights;
import io.morphgate.operator.kit.derive.KernelFactorization.DepthwiseFactors;
import io.morphgate.operator.kit.derive.KernelFactorization.LowRankFactors;
import io.morphgate.operator.kit.derive.KernelFactorization.Tucker2Factors;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The factorisations as kernel algebra: exactness at full width, monotone truncation, known cases. */
class KernelFactorizationTest {
    private static final int OUT = 6, IN = 4, K = 3;
    private final SlotWeights w = TestSlots.weights(OUT, IN, K, 7);

    @Test
    void lowRankAtFullRankReconstructsTheKernel() {
        int full = Math.min(OUT * K, IN * K);
        LowRankFactors f = KernelFactorization.lowRank(w, full);
        assertEquals(full * IN * K, f.horizontal().length);
        assertEquals(OUT * full * K, f.vertical().length);
        assertTrue(f.relativeKernelError() < 1e-5, "error " + f.relativeKernelError());
        assertTrue(EquivalentKernel.relativeError(w.kernel(), EquivalentKernel.of(f, OUT, IN, K)) < 1e-5);
    }

    @Test
    void truncatingHigherRankFactorsGivesTheLowerRankFactorisation() {
        LowRankFactors high = KernelFactorization.lowRank(w, 8);
        for (int rank : new int[] {8, 5, 1}) {
            LowRankFactors direct = KernelFactorization.lowRank(w, rank);
            LowRankFactors truncated = KernelFactorization.truncate(w, high, rank);
            assertEquals(rank, truncated.rank());
            assertArrayEquals(direct.horizontal(), truncated.horizontal(), 1e-6f);
            assertArrayEquals(direct.vertical(), truncated.vertical(), 1e-6f);
            assertEquals(direct.relativeKernelError(), truncated.relativeKernelError(), 1e-9);
        }
        assertThrows(IllegalArgumentException.class, () -> KernelFactorization.truncate(w, high, 9));
    }

    @Test
    void lowRankErrorDecreasesWithRank() {
        double previous = Double.POSITIVE_INFINITY;
        for (int rank = 1; rank <= Math.min(OUT * K, IN * K); rank++) {
            double e = KernelFactorization.lowRank(w, rank).relativeKernelError();
            assertTrue(e <= previous + 1e-7, "rank " + rank + ": " + e + " after " + previous);
            previous = e;
        }
        assertTrue(KernelFactorization.lowRank(w, 1).relativeKernelError() > 0.3, "a random kernel is not rank 1");
    }

    @Test
    void aSeparableKernelIsExactAtRankOne() {
        Random r = new Random(3);
        float[] p = TestSlots.gaussian(r, OUT, 1), q = TestSlots.gaussian(r, IN, 1);
        float[] u = TestSlots.gaussian(r, K, 1), v = TestSlots.gaussian(r, K, 1);
        float[] kernel = new float[OUT * IN * K * K];
        for (int o = 0; o < OUT; o++) {
            for (int i = 0; i < IN; i++) {
                for (int y = 0; y < K; y++) {
                    for (int x = 0; x < K; x++) {
                        kernel[((o * IN + i) * K + y) * K + x] = p[o] * q[i] * u[y] * v[x];
                    }
                }
            }
        }
        LowRankFactors f = KernelFactorization.lowRank(TestSlots.withKernel(w, kernel), 1);
        assertTrue(f.relativeKernelError() < 1e-6, "error " + f.relativeKernelError());
    }

    @Test
    void lowRankBeyondTheMatrixRankPadsWithZeroFilters() {
        int full = Math.min(OUT * K, IN * K);
        LowRankFactors f = KernelFactorization.lowRank(w, full + 2);
        assertEquals(full + 2, f.rank());
        assertTrue(f.relativeKernelError() < 1e-5);
        for (int c = full * IN * K; c < (full + 2) * IN * K; c++) {
            assertEquals(0f, f.horizontal()[c]);
        }
    }

    @Test
    void tucker2WithCompleteChannelBasesReconstructsTheKernel() {
        SlotWeights square = TestSlots.weights(5, 5, K, 11);
        Tucker2Factors f = KernelFactorization.tucker2(square, 5);
        assertEquals(5 * 5 * K * K, f.core().length);
        assertTrue(f.relativeKernelError() < 1e-5, "error " + f.relativeKernelError());
        // in != out: rank = min(in, out) truncates the wider mode; rank = max(in, out) zero-pads the narrower one.
        assertTrue(KernelFactorization.tucker2(w, Math.min(OUT, IN)).relativeKernelError() > 1e-3);
        Tucker2Factors padded = KernelFactorization.tucker2(w, Math.max(OUT, IN));
        assertTrue(padded.relativeKernelError() < 1e-5, "error " + padded.relativeKernelError());
        assertEquals(Math.max(OUT, IN) * IN, padded.reduce().length);
        assertEquals(OUT * Math.max(OUT, IN), padded.expand().length);
    }

    @Test
    void tucker2ErrorDecreasesWithRank() {
        double previous = Double.POSITIVE_INFINITY;
        for (int rank = 1; rank <= Math.max(OUT, IN); rank++) {
            double e = KernelFactorization.tucker2(w, rank).relativeKernelError();
            assertTrue(e <= previous + 1e-7, "rank " + rank + ": " + e + " after " + previous);
            previous = e;
        }
    }

    @Test
    void tucker2BasesAreOrthonormal() {
        Tucker2Factors f = KernelFactorization.tucker2(w, 3);
        for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 3; b++) {
                double dot = 0;
                for (int i = 0; i < IN; i++) {
                    dot += f.reduce()[a * IN + i] * f.reduce()[b * IN + i];
                }
                assertEquals(a == b ? 1 : 0, dot, 1e-6);
            }
        }
    }

    @Test
    void depthwiseAtFullMultiplierIsExact() {
        int full = Math.min(OUT, K * K);
        DepthwiseFactors f = KernelFactorization.depthwise(w, full);
        assertEquals(IN * full * K * K, f.depthwise().length);
        assertEquals(OUT * IN * full, f.pointwise().length);
        assertTrue(f.relativeKernelError() < 1e-5, "error " + f.relativeKernelError());
        double previous = Double.POSITIVE_INFINITY;
        for (int m = 1; m <= full; m++) {
            double e = KernelFactorization.depthwise(w, m).relativeKernelError();
            assertTrue(e <= previous + 1e-7);
            previous = e;
        }
    }

    @Test
    void factorisationsLeaveTheSlotKernelUntouched() {
        float[] before = w.kernel().clone();
        KernelFactorization.lowRank(w, 2);
        KernelFactorization.tucker2(w, 2);
        KernelFactorization.depthwise(w, 2);
        assertArrayEquals(before, w.kernel());
    }

    @Test
    void refusesAKernelOfTheWrongSizeAndAZeroWidth() {
        assertThrows(IllegalArgumentException.class,
                () -> KernelFactorization.lowRank(TestSlots.withKernel(w, new float[5]), 1));
        assertThrows(IllegalArgumentException.class, () -> KernelFactorization.depthwise(w, 0));
    }
}
