package io.morphgate.onnx.reference;

import io.morphgate.onnx.reference.ReferenceEvaluator.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * Float kernels of the reference evaluator: NCHW, double accumulators, plain loops with no allocation inside them.
 * Written for clarity first; the loop order of {@link #conv} keeps rows contiguous so 28x28 CNNs run in well under
 * a second. Callers have already checked shapes that ONNX constrains (channel counts, ranks).
 */
final class Kernels {
    private Kernels() {
    }

    static Tensor conv(Tensor x, Tensor w, Tensor b, int group, int[] strides, int[] pads) {
        int n = dim(x, 0), c = dim(x, 1), h = dim(x, 2), wd = dim(x, 3);
        int m = dim(w, 0), cg = dim(w, 1), kh = dim(w, 2), kw = dim(w, 3);
        int sh = strides[0], sw = strides[1], pt = pads[0], pl = pads[1];
        int oh = (h + pads[0] + pads[2] - kh) / sh + 1;
        int ow = (wd + pads[1] + pads[3] - kw) / sw + 1;
        int mg = m / group;
        float[] xs = x.data(), ws = w.data();
        float[] out = new float[n * m * oh * ow];
        double[] acc = new double[oh * ow];
        for (int in = 0; in < n; in++) {
            for (int om = 0; om < m; om++) {
                Arrays.fill(acc, b == null ? 0.0 : b.data()[om]);
                int g = om / mg;
                for (int ic = 0; ic < cg; ic++) {
                    int xBase = (in * c + g * cg + ic) * h * wd;
                    int wBase = (om * cg + ic) * kh * kw;
                    for (int ky = 0; ky < kh; ky++) {
                        for (int kx = 0; kx < kw; kx++) {
                            double wv = ws[wBase + ky * kw + kx];
                            int lo = pl - kx;
                            int hi = wd - 1 + pl - kx;
                            if (hi < 0) {
                                continue;
                            }
                            int owStart = lo <= 0 ? 0 : (lo + sw - 1) / sw;
                            int owEnd = Math.min(ow, hi / sw + 1);
                            for (int y = 0; y < oh; y++) {
                                int iy = y * sh - pt + ky;
                                if (iy < 0 || iy >= h) {
                                    continue;
                                }
                                int row = xBase + iy * wd - pl + kx;
                                int accRow = y * ow;
                                for (int xo = owStart; xo < owEnd; xo++) {
                                    acc[accRow + xo] += wv * xs[row + xo * sw];
                                }
                            }
                        }
                    }
                }
                int outBase = (in * m + om) * oh * ow;
                for (int i = 0; i < acc.length; i++) {
                    out[outBase + i] = (float) acc[i];
                }
            }
        }
        return new Tensor(new long[] {n, m, oh, ow}, out);
    }

    static Tensor batchNorm(Tensor x, Tensor scale, Tensor bias, Tensor mean, Tensor var, double epsilon) {
        int n = dim(x, 0), c = dim(x, 1);
        int inner = x.data().length / Math.max(1, n * c);
        float[] xs = x.data();
        float[] out = new float[xs.length];
        for (int ch = 0; ch < c; ch++) {
            double k = scale.data()[ch] / Math.sqrt(var.data()[ch] + epsilon);
            double shift = bias.data()[ch] - k * mean.data()[ch];
            for (int in = 0; in < n; in++) {
                int base = (in * c + ch) * inner;
                for (int i = 0; i < inner; i++) {
                    out[base + i] = (float) (k * xs[base + i] + shift);
                }
            }
        }
        return new Tensor(x.shape().clone(), out);
    }

    static Tensor relu(Tensor x) {
        float[] out = x.data().clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] < 0f) {
                out[i] = 0f;
            }
        }
        return new Tensor(x.shape().clone(), out);
    }

    /** Each element limited to [min, max]: max(x, min) first, then min(., max). */
    static Tensor clip(Tensor x, float min, float max) {
        float[] xs = x.data();
        float[] out = new float[xs.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.min(Math.max(xs[i], min), max);
        }
        return new Tensor(x.shape().clone(), out);
    }

    /** Max or average pooling; average divides by the window's in-bounds count unless countIncludePad. */
    static Tensor pool(Tensor x, boolean max, int[] kernel, int[] strides, int[] pads, boolean countIncludePad) {
        int n = dim(x, 0), c = dim(x, 1), h = dim(x, 2), w = dim(x, 3);
        int kh = kernel[0], kw = kernel[1];
        int oh = (h + pads[0] + pads[2] - kh) / strides[0] + 1;
        int ow = (w + pads[1] + pads[3] - kw) / strides[1] + 1;
        float[] xs = x.data();
        float[] out = new float[n * c * oh * ow];
        int o = 0;
        for (int plane = 0; plane < n * c; plane++) {
            int base = plane * h * w;
            for (int y = 0; y < oh; y++) {
                for (int xo = 0; xo < ow; xo++) {
                    double acc = max ? Double.NEGATIVE_INFINITY : 0.0;
                    int count = 0;
                    for (int ky = 0; ky < kh; ky++) {
                        int iy = y * strides[0] - pads[0] + ky;
                        for (int kx = 0; kx < kw; kx++) {
                            int ix = xo * strides[1] - pads[1] + kx;
                            if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                                continue;
                            }
                            float v = xs[base + iy * w + ix];
                            acc = max ? Math.max(acc, v) : acc + v;
                            count++;
                        }
                    }
                    out[o++] = (float) (max ? acc : acc / (countIncludePad ? kh * kw : Math.max(count, 1)));
                }
            }
        }
        return new Tensor(new long[] {n, c, oh, ow}, out);
    }

    static Tensor globalAveragePool(Tensor x) {
        int n = dim(x, 0), c = dim(x, 1);
        int inner = x.data().length / Math.max(1, n * c);
        float[] out = new float[n * c];
        for (int plane = 0; plane < n * c; plane++) {
            double sum = 0;
            for (int i = 0; i < inner; i++) {
                sum += x.data()[plane * inner + i];
            }
            out[plane] = (float) (sum / inner);
        }
        return new Tensor(new long[] {n, c, 1, 1}, out);
    }

    static Tensor concat(int axis, List<Tensor> xs) {
        long[] shape = xs.get(0).shape().clone();
        shape[axis] = 0;
        for (Tensor t : xs) {
            shape[axis] += t.shape()[axis];
        }
        int outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= (int) shape[i];
        }
        float[] out = new float[Math.toIntExact(ReferenceEvaluator.Tensor.count(shape))];
        int pos = 0;
        for (int o = 0; o < outer; o++) {
            for (Tensor t : xs) {
                int chunk = t.data().length / Math.max(outer, 1);
                System.arraycopy(t.data(), o * chunk, out, pos, chunk);
                pos += chunk;
            }
        }
        return new Tensor(shape, out);
    }

    static Tensor reshape(Tensor x, long... shape) {
        return new Tensor(shape, x.data().clone());
    }

    /** Y = alpha * A' B' + beta * C with C broadcast from [], [N], [1,N], [M,1] or [M,N]. */
    static Tensor gemm(Tensor a, Tensor b, Tensor c, double alpha, double beta, boolean ta, boolean tb) {
        int m = ta ? dim(a, 1) : dim(a, 0);
        int k = ta ? dim(a, 0) : dim(a, 1);
        int n = tb ? dim(b, 0) : dim(b, 1);
        float[] as = a.data(), bs = b.data();
        float[] out = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double acc = 0;
                for (int p = 0; p < k; p++) {
                    double av = ta ? as[p * m + i] : as[i * k + p];
                    double bv = tb ? bs[j * k + p] : bs[p * n + j];
                    acc += av * bv;
                }
                double cv = c == null ? 0 : c.data()[broadcastIndex(c.shape(), i, j)];
                out[i * n + j] = (float) (alpha * acc + beta * cv);
            }
        }
        return new Tensor(new long[] {m, n}, out);
    }

    /** A [..., K] times B [K, N]. */
    static Tensor matMul(Tensor a, Tensor b) {
        int k = dim(b, 0), n = dim(b, 1);
        int rows = a.data().length / k;
        float[] as = a.data(), bs = b.data();
        float[] out = new float[rows * n];
        double[] acc = new double[n];
        for (int i = 0; i < rows; i++) {
            Arrays.fill(acc, 0);
            for (int p = 0; p < k; p++) {
                double av = as[i * k + p];
                int bRow = p * n;
                for (int j = 0; j < n; j++) {
                    acc[j] += av * bs[bRow + j];
                }
            }
            for (int j = 0; j < n; j++) {
                out[i * n + j] = (float) acc[j];
            }
        }
        long[] shape = a.shape().clone();
        shape[shape.length - 1] = n;
        return new Tensor(shape, out);
    }

    /** Add or Mul with numpy-style broadcasting (covers same shape and per-channel [C,1,1]). */
    static Tensor binary(Tensor a, Tensor b, boolean multiply) {
        long[] shape = broadcastShape(a.shape(), b.shape());
        int rank = shape.length;
        int[] sa = broadcastStrides(a.shape(), shape);
        int[] sb = broadcastStrides(b.shape(), shape);
        float[] out = new float[Math.toIntExact(ReferenceEvaluator.Tensor.count(shape))];
        int[] idx = new int[rank];
        int ia = 0, ib = 0;
        for (int o = 0; o < out.length; o++) {
            double av = a.data()[ia], bv = b.data()[ib];
            out[o] = (float) (multiply ? av * bv : av + bv);
            for (int d = rank - 1; d >= 0; d--) {
                idx[d]++;
                ia += sa[d];
                ib += sb[d];
                if (idx[d] < shape[d]) {
                    break;
                }
                ia -= sa[d] * idx[d];
                ib -= sb[d] * idx[d];
                idx[d] = 0;
            }
        }
        return new Tensor(shape, out);
    }

    /** Softmax over [outer, d, inner] with d the extent of the reduced axes. */
    static Tensor softmax(Tensor x, int outer, int d, int inner) {
        float[] xs = x.data();
        float[] out = new float[xs.length];
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                int base = o * d * inner + in;
                double max = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < d; i++) {
                    max = Math.max(max, xs[base + i * inner]);
                }
                double sum = 0;
                for (int i = 0; i < d; i++) {
                    sum += Math.exp(xs[base + i * inner] - max);
                }
                for (int i = 0; i < d; i++) {
                    out[base + i * inner] = (float) (Math.exp(xs[base + i * inner] - max) / sum);
                }
            }
        }
        return new Tensor(x.shape().clone(), out);
    }

    static long[] broadcastShape(long[] a, long[] b) {
        int rank = Math.max(a.length, b.length);
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            long da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            long db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " do not broadcast");
            }
            out[i] = Math.max(da, db);
        }
        return out;
    }

    /** Strides of {@code shape} right-aligned into {@code target}, 0 along broadcast dimensions. */
    private static int[] broadcastStrides(long[] shape, long[] target) {
        int[] strides = new int[target.length];
        int stride = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            int t = i + target.length - shape.length;
            strides[t] = shape[i] == 1 ? 0 : stride;
            stride *= (int) shape[i];
        }
        return strides;
    }

    private static int broadcastIndex(long[] cShape, int i, int j) {
        if (cShape.length == 0) {
            return 0;
        }
        if (cShape.length == 1) {
            return cShape[0] == 1 ? 0 : j;
        }
        int row = cShape[0] == 1 ? 0 : i;
        int col = cShape[1] == 1 ? 0 : j;
        return row * (int) cShape[1] + col;
    }

    private static int dim(Tensor t, int i) {
        return Math.toIntExact(t.shape()[i]);
    }
}
