package io.morphgate.operator.kit.derive;

import io.morphgate.api.slot.SlotWeights;

/**
 * Closed-form, data-free factorisations of a slot's trained k x k kernel into the convolutions of the article's
 * compression blocks. Each is the best approximation of its form in the Frobenius norm of the kernel (Eckart-Young
 * for the SVD forms; the truncated HOSVD for Tucker-2, which is quasi-optimal), so a variant starts from the slot's
 * own training instead of from random weights.
 *
 * <p>Kernels are row-major {@code [out][in][k][k]} as in {@link SlotWeights}; all arithmetic is in doubles, the
 * factors are returned as floats ready for {@code GraphBuilder.conv}. A requested width larger than the matrix can
 * supply is padded with zero filters, so the graph always has the width its variant asked for.
 */
public final class KernelFactorization {

    /**
     * A 1 x k conv ({@code in -> rank}, pads {@code 0, (k-1)/2}) followed by a k x 1 conv ({@code rank -> out}, pads
     * {@code (k-1)/2, 0}); with zero padding this pair computes exactly the same-padded k x k conv of the rank-r
     * kernel.
     *
     * @param horizontal         {@code [rank][in][1][k]}
     * @param vertical           {@code [out][rank][k][1]}
     * @param rank               number of intermediate filters
     * @param relativeKernelError {@code ||W - W_rank||_F / ||W||_F} of the float factors
     */
    public record LowRankFactors(float[] horizontal, float[] vertical, int rank, double relativeKernelError) {
    }

    /**
     * The bottleneck: 1 x 1 conv {@code in -> rank}, k x k conv {@code rank -> rank} (same padding), 1 x 1 conv
     * {@code rank -> out}.
     *
     * @param reduce             {@code [rank][in][1][1]}, the transposed input-mode basis {@code U_in^T}
     * @param core               {@code [rank][rank][k][k]}
     * @param expand             {@code [out][rank][1][1]}, the output-mode basis {@code U_out}
     * @param rank               bottleneck width
     * @param relativeKernelError {@code ||W - W_tucker||_F / ||W||_F} of the float factors
     */
    public record Tucker2Factors(float[] reduce, float[] core, float[] expand, int rank,
                                 double relativeKernelError) {
    }

    /**
     * A k x k depthwise conv ({@code group = in}, {@code in*multiplier} filters, same padding) followed by a 1 x 1 conv
     * {@code in*multiplier -> out}. The article's depthwise conv has a bias; a derived one has none to derive (the
     * kernel alone is factorised), so its bias is all zeros: pass {@code new float[in*multiplier]} to the graph.
     *
     * @param depthwise          {@code [in*multiplier][1][k][k]}; filter {@code i*multiplier + j} reads input channel i
     * @param pointwise          {@code [out][in*multiplier][1][1]}
     * @param multiplier         depth multiplier
     * @param relativeKernelError {@code ||W - W_dw||_F / ||W||_F} of the float factors
     */
    public record DepthwiseFactors(float[] depthwise, float[] pointwise, int multiplier, double relativeKernelError) {
    }

    private KernelFactorization() {
    }

    /**
     * Splits the kernel into 1 x k then k x 1 filters: the kernel reshaped as {@code M[(o,y)][(i,x)]} is a sum of
     * separable terms, one per singular triplet, and each term is a horizontal filter on the input followed by a
     * vertical filter producing the output. The singular value is shared as {@code sqrt(s)} on both sides so the two
     * convs have comparable weight scales.
     */
    public static LowRankFactors lowRank(SlotWeights w, int rank) {
        int out = w.outChannels(), in = w.inChannels(), k = w.kernelSize();
        float[] kernel = requireKernel(w);
        int rows = out * k, cols = in * k;
        double[] m = new double[rows * cols];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                for (int y = 0; y < k; y++) {
                    for (int x = 0; x < k; x++) {
                        m[(o * k + y) * cols + i * k + x] = kernel[((o * in + i) * k + y) * k + x];
                    }
                }
            }
        }
        TruncatedSvd svd = TruncatedSvd.of(m, rows, cols, rank);
        float[] horizontal = new float[rank * cols];
        float[] vertical = new float[out * rank * k];
        for (int r = 0; r < rank; r++) {
            double root = Math.sqrt(svd.value(r));
            for (int c = 0; c < cols; c++) {
                horizontal[r * cols + c] = (float) (root * svd.right(r)[c]); // c = i*k + x
            }
            for (int o = 0; o < out; o++) {
                for (int y = 0; y < k; y++) {
                    vertical[(o * rank + r) * k + y] = (float) (root * svd.left(r)[o * k + y]);
                }
            }
        }
        LowRankFactors f = new LowRankFactors(horizontal, vertical, rank, 0);
        return new LowRankFactors(horizontal, vertical, rank,
                EquivalentKernel.relativeError(kernel, EquivalentKernel.of(f, out, in, k)));
    }

    /**
     * The first {@code rank} triplets of {@code f} (computed for a rank at least as large): the same as
     * {@link #lowRank(SlotWeights, int)} at that rank, since the SVD's triplets come largest first, without
     * decomposing the kernel again.
     */
    public static LowRankFactors truncate(SlotWeights w, LowRankFactors f, int rank) {
        if (rank < 1 || rank > f.rank()) {
            throw new IllegalArgumentException("cannot truncate rank-" + f.rank() + " factors to rank " + rank);
        }
        int out = w.outChannels(), in = w.inChannels(), k = w.kernelSize();
        int cols = in * k;
        float[] horizontal = java.util.Arrays.copyOf(f.horizontal(), rank * cols); // [rank][cols], rows largest first
        float[] vertical = new float[out * rank * k];                               // [out][rank][k]
        for (int o = 0; o < out; o++) {
            System.arraycopy(f.vertical(), o * f.rank() * k, vertical, o * rank * k, rank * k);
        }
        LowRankFactors t = new LowRankFactors(horizontal, vertical, rank, 0);
        return new LowRankFactors(horizontal, vertical, rank,
                EquivalentKernel.relativeError(requireKernel(w), EquivalentKernel.of(t, out, in, k)));
    }

    /**
     * Tucker-2 (truncated HOSVD over the two channel modes): the output and input channel spaces are each reduced to
     * their {@code rank} dominant directions, and the core is the kernel projected onto both bases. The spatial
     * modes are left whole, which is what the 1x1-kxk-1x1 bottleneck can represent.
     */
    public static Tucker2Factors tucker2(SlotWeights w, int rank) {
        int out = w.outChannels(), in = w.inChannels(), k = w.kernelSize(), kk = k * k;
        float[] kernel = requireKernel(w);
        double[] mode0 = new double[kernel.length];   // [out][in*k*k]: the kernel as stored
        double[] mode1 = new double[kernel.length];   // [in][out*k*k]
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                for (int s = 0; s < kk; s++) {
                    double v = kernel[(o * in + i) * kk + s];
                    mode0[(o * in + i) * kk + s] = v;
                    mode1[(i * out + o) * kk + s] = v;
                }
            }
        }
        TruncatedSvd uOut = TruncatedSvd.of(mode0, out, in * kk, rank);
        TruncatedSvd uIn = TruncatedSvd.of(mode1, in, out * kk, rank);
        float[] core = core(kernel, uOut, uIn, out, in, kk, rank);
        float[] reduce = new float[rank * in];
        float[] expand = new float[out * rank];
        for (int r = 0; r < rank; r++) {
            for (int i = 0; i < in; i++) {
                reduce[r * in + i] = (float) uIn.left(r)[i];
            }
            for (int o = 0; o < out; o++) {
                expand[o * rank + r] = (float) uOut.left(r)[o];
            }
        }
        Tucker2Factors f = new Tucker2Factors(reduce, core, expand, rank, 0);
        return new Tucker2Factors(reduce, core, expand, rank,
                EquivalentKernel.relativeError(kernel, EquivalentKernel.of(f, out, in, k)));
    }

    /**
     * Depthwise-separable split: for each input channel the slice {@code W[:, i]} (out x k*k) is approximated by its
     * top {@code multiplier} singular triplets; each triplet becomes one depthwise filter on that channel (right
     * vector) and one column of the pointwise conv (left vector). Exact when {@code multiplier >= min(out, k*k)}.
     */
    public static DepthwiseFactors depthwise(SlotWeights w, int multiplier) {
        int out = w.outChannels(), in = w.inChannels(), k = w.kernelSize(), kk = k * k;
        float[] kernel = requireKernel(w);
        int m = multiplier, width = in * m;
        float[] depthwise = new float[width * kk];
        float[] pointwise = new float[out * width];
        double[] slice = new double[out * kk];
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                for (int s = 0; s < kk; s++) {
                    slice[o * kk + s] = kernel[(o * in + i) * kk + s];
                }
            }
            TruncatedSvd svd = TruncatedSvd.of(slice, out, kk, m);
            for (int j = 0; j < m; j++) {
                double root = Math.sqrt(svd.value(j));
                int filter = i * m + j;
                for (int s = 0; s < kk; s++) {
                    depthwise[filter * kk + s] = (float) (root * svd.right(j)[s]);
                }
                for (int o = 0; o < out; o++) {
                    pointwise[o * width + filter] = (float) (root * svd.left(j)[o]);
                }
            }
        }
        DepthwiseFactors f = new DepthwiseFactors(depthwise, pointwise, m, 0);
        return new DepthwiseFactors(depthwise, pointwise, m,
                EquivalentKernel.relativeError(kernel, EquivalentKernel.of(f, out, in, k)));
    }

    /** {@code C[a][b][s] = sum_o sum_i U_out[o][a] U_in[i][b] W[o][i][s]}, contracted one mode at a time. */
    private static float[] core(float[] kernel, TruncatedSvd uOut, TruncatedSvd uIn, int out, int in, int kk,
                                int rank) {
        double[] partial = new double[rank * in * kk]; // [a][i][s]
        for (int a = 0; a < rank; a++) {
            double[] u = uOut.left(a);
            for (int o = 0; o < out; o++) {
                if (u[o] == 0) {
                    continue;
                }
                for (int is = 0; is < in * kk; is++) {
                    partial[a * in * kk + is] += u[o] * kernel[o * in * kk + is];
                }
            }
        }
        float[] core = new float[rank * rank * kk];
        for (int a = 0; a < rank; a++) {
            for (int b = 0; b < rank; b++) {
                double[] u = uIn.left(b);
                for (int s = 0; s < kk; s++) {
                    double sum = 0;
                    for (int i = 0; i < in; i++) {
                        sum += u[i] * partial[(a * in + i) * kk + s];
                    }
                    core[(a * rank + b) * kk + s] = (float) sum;
                }
            }
        }
        return core;
    }

    private static float[] requireKernel(SlotWeights w) {
        int out = w.outChannels(), in = w.inChannels(), k = w.kernelSize();
        if (out < 1 || in < 1 || k < 1) {
            throw new IllegalArgumentException("slot " + w.slot() + ": kernel dimensions must be positive, got "
                    + out + "x" + in + "x" + k + "x" + k);
        }
        if (w.kernel() == null || w.kernel().length != out * in * k * k) {
            throw new IllegalArgumentException("slot " + w.slot() + ": kernel must hold " + out * in * k * k
                    + " weights [out][in][k][k], got " + (w.kernel() == null ? "none" : w.kernel().length));
        }
        return w.kernel();
    }
}
