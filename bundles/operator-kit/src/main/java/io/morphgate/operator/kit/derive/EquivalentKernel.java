package io.morphgate.operator.kit.derive;

import io.morphgate.operator.kit.derive.KernelFactorization.DepthwiseFactors;
import io.morphgate.operator.kit.derive.KernelFactorization.LowRankFactors;
import io.morphgate.operator.kit.derive.KernelFactorization.Tucker2Factors;

/**
 * The single k x k kernel {@code [out][in][k][k]} that a chain of factor convolutions computes (linear maps
 * compose), so the error of a factorisation is measured on what the graph will actually run: the float factors.
 */
final class EquivalentKernel {
    private EquivalentKernel() {
    }

    /** {@code W'[o][i][y][x] = sum_r vertical[o][r][y] * horizontal[r][i][x]}. */
    static float[] of(LowRankFactors f, int out, int in, int k) {
        int rank = f.rank();
        float[] w = new float[out * in * k * k];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                for (int y = 0; y < k; y++) {
                    for (int x = 0; x < k; x++) {
                        double sum = 0;
                        for (int r = 0; r < rank; r++) {
                            sum += (double) f.vertical()[(o * rank + r) * k + y] * f.horizontal()[(r * in + i) * k + x];
                        }
                        w[((o * in + i) * k + y) * k + x] = (float) sum;
                    }
                }
            }
        }
        return w;
    }

    /** {@code W'[o][i][s] = sum_a sum_b expand[o][a] core[a][b][s] reduce[b][i]}. */
    static float[] of(Tucker2Factors f, int out, int in, int k) {
        int rank = f.rank(), kk = k * k;
        double[] expanded = new double[out * rank * kk]; // [o][b][s]
        for (int o = 0; o < out; o++) {
            for (int a = 0; a < rank; a++) {
                double e = f.expand()[o * rank + a];
                for (int bs = 0; bs < rank * kk; bs++) {
                    expanded[o * rank * kk + bs] += e * f.core()[a * rank * kk + bs];
                }
            }
        }
        float[] w = new float[out * in * kk];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                for (int s = 0; s < kk; s++) {
                    double sum = 0;
                    for (int b = 0; b < rank; b++) {
                        sum += expanded[(o * rank + b) * kk + s] * f.reduce()[b * in + i];
                    }
                    w[(o * in + i) * kk + s] = (float) sum;
                }
            }
        }
        return w;
    }

    /** {@code W'[o][i][s] = sum_j pointwise[o][i*m + j] * depthwise[i*m + j][s]}. */
    static float[] of(DepthwiseFactors f, int out, int in, int k) {
        int m = f.multiplier(), kk = k * k, width = in * m;
        float[] w = new float[out * in * kk];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                for (int s = 0; s < kk; s++) {
                    double sum = 0;
                    for (int j = 0; j < m; j++) {
                        int filter = i * m + j;
                        sum += (double) f.pointwise()[o * width + filter] * f.depthwise()[filter * kk + s];
                    }
                    w[(o * in + i) * kk + s] = (float) sum;
                }
            }
        }
        return w;
    }

    /** {@code ||a - b||_F / ||a||_F}; 0 for an all-zero reference that is matched exactly. */
    static double relativeError(float[] reference, float[] approximation) {
        double diff = 0, norm = 0;
        for (int i = 0; i < reference.length; i++) {
            double d = (double) reference[i] - approximation[i];
            diff += d * d;
            norm += (double) reference[i] * reference[i];
        }
        if (norm == 0) {
            return diff == 0 ? 0 : Double.POSITIVE_INFINITY;
        }
        return Math.sqrt(diff / norm);
    }
}
