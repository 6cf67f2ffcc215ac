package io.morphgate.operator.kit.derive;

import io.morphgate.api.slot.SlotWeights;
import io.morphgate.onnx.reference.ReferenceEvaluator.Tensor;
import io.morphgate.operator.kit.derive.KernelFactorization.DepthwiseFactors;
import io.morphgate.operator.kit.derive.KernelFactorization.LowRankFactors;
import io.morphgate.operator.kit.derive.KernelFactorization.Tucker2Factors;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The factor convolutions, built as ONNX graphs and run by the reference evaluator, compute the same-padded k x k
 * conv of their equivalent kernel: this pins the factor layouts, the 1xk/kx1 order and the padding of each conv.
 * The input is not square so a swapped height and width would show.
 */
class FactorGraphTest {
    private static final int OUT = 6, IN = 4, H = 7, W = 9;
    private static final double TOLERANCE = 1e-4;

    private final Tensor x = new Tensor(new long[] {2, IN, H, W}, TestSlots.gaussian(new Random(5), 2 * IN * H * W, 1));

    @Test
    void lowRankConvsEqualTheRankRKernel() {
        for (int k : new int[] {3, 5}) {
            SlotWeights w = TestSlots.weights(OUT, IN, k, 21);
            for (int rank : new int[] {1, 3, Math.min(OUT, IN) * k}) {
                LowRankFactors f = KernelFactorization.lowRank(w, rank);
                Tensor graph = TestSlots.runConvs(IN, OUT, H, W, x, (g, t) -> g.conv(
                        g.conv(t, f.horizontal(), rank, IN, 1, k, null, 1), f.vertical(), OUT, rank, k, 1, null, 1));
                assertMatchesKernel(EquivalentKernel.of(f, OUT, IN, k), k, graph);
            }
        }
    }

    @Test
    void fullRankLowRankConvsEqualTheOriginalConv() {
        SlotWeights w = TestSlots.weights(OUT, IN, 3, 22);
        LowRankFactors f = KernelFactorization.lowRank(w, IN * 3);
        Tensor graph = TestSlots.runConvs(IN, OUT, H, W, x, (g, t) -> g.conv(
                g.conv(t, f.horizontal(), f.rank(), IN, 1, 3, null, 1), f.vertical(), OUT, f.rank(), 3, 1, null, 1));
        assertMatchesKernel(w.kernel(), 3, graph);
    }

    @Test
    void tuckerBottleneckEqualsItsKernel() {
        SlotWeights w = TestSlots.weights(OUT, IN, 3, 23);
        for (int rank : new int[] {2, Math.min(OUT, IN), Math.max(OUT, IN)}) {
            Tucker2Factors f = KernelFactorization.tucker2(w, rank);
            Tensor graph = TestSlots.runConvs(IN, OUT, H, W, x, (g, t) -> {
                String reduced = g.conv(t, f.reduce(), rank, IN, 1, 1, null, 1);
                String core = g.conv(reduced, f.core(), rank, rank, 3, 3, null, 1);
                return g.conv(core, f.expand(), OUT, rank, 1, 1, null, 1);
            });
            assertMatchesKernel(EquivalentKernel.of(f, OUT, IN, 3), 3, graph);
        }
    }

    @Test
    void depthwiseSeparableConvsEqualTheirKernel() {
        SlotWeights w = TestSlots.weights(OUT, IN, 3, 24);
        for (int m : new int[] {1, 2, Math.min(OUT, 9)}) {
            DepthwiseFactors f = KernelFactorization.depthwise(w, m);
            Tensor graph = TestSlots.runConvs(IN, OUT, H, W, x, (g, t) -> {
                String dw = g.conv(t, f.depthwise(), IN * m, 1, 3, 3, new float[IN * m], IN);
                return g.conv(dw, f.pointwise(), OUT, IN * m, 1, 1, null, 1);
            });
            assertMatchesKernel(EquivalentKernel.of(f, OUT, IN, 3), 3, graph);
        }
    }

    private void assertMatchesKernel(float[] kernel, int k, Tensor graph) {
        Tensor direct = TestSlots.runKernel(kernel, IN, OUT, k, H, W, x);
        assertArrayEquals(direct.shape(), graph.shape());
        double diff = TestSlots.maxAbsDiff(direct.data(), graph.data());
        assertTrue(diff < TOLERANCE, "max |difference| " + diff + " (outputs up to " + TestSlots.maxAbs(direct.data())
                + ")");
    }
}
