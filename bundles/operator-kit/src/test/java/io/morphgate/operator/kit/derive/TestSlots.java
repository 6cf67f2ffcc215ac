package io.morphgate.operator.kit.derive;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.slot.SlotWeights;
import io.morphgate.api.slot.TensorShape;
import io.morphgate.onnx.GraphBuilder;
import io.morphgate.onnx.reference.ReferenceEvaluator;
import io.morphgate.onnx.reference.ReferenceEvaluator.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;

/** Seeded random slots, weights and inputs, and a runner for single-conv-chain graphs. */
final class TestSlots {
    private TestSlots() {
    }

    /** Gaussian kernel scaled by 1/sqrt(fan-in) (outputs of order 1) with plausible BN parameters. */
    static SlotWeights weights(int out, int in, int k, long seed) {
        Random r = new Random(seed);
        float[] kernel = gaussian(r, out * in * k * k, 1 / Math.sqrt(in * k * k));
        float[] scale = new float[out], bias = new float[out], mean = new float[out], var = new float[out];
        for (int o = 0; o < out; o++) {
            scale[o] = (float) (0.5 + r.nextDouble());
            bias[o] = (float) (0.2 * r.nextGaussian());
            mean[o] = (float) (0.1 * r.nextGaussian());
            var[o] = (float) (0.5 + r.nextDouble());
        }
        return withKernel(new SlotWeights("s", kernel, out, in, k, scale, bias, mean, var, 1e-3f), kernel);
    }

    static SlotWeights withKernel(SlotWeights w, float[] kernel) {
        return new SlotWeights(w.slot(), kernel, w.outChannels(), w.inChannels(), w.kernelSize(), w.bnScale(),
                w.bnBias(), w.bnMean(), w.bnVariance(), w.bnEpsilon());
    }

    static SlotSpec slot(int in, int out, int h, int w, boolean downsamples) {
        TensorShape output = downsamples ? new TensorShape(out, h / 2, w / 2) : new TensorShape(out, h, w);
        return new SlotSpec("s", 0, new TensorShape(in, h, w), output, 3, "conv3x3", 0, 0);
    }

    static List<float[]> inputs(int count, int size, long seed) {
        Random r = new Random(seed);
        List<float[]> xs = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            xs.add(gaussian(r, size, 1));
        }
        return xs;
    }

    static float[] gaussian(Random r, int n, double sd) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (sd * r.nextGaussian());
        }
        return v;
    }

    /** Builds input [in,h,w] -> convs -> output [out,h,w] and runs it on {@code x} of shape [n,in,h,w]. */
    static Tensor runConvs(int in, int out, int h, int w, Tensor x, BiFunction<GraphBuilder, String, String> convs) {
        GraphBuilder g = new GraphBuilder("convs");
        String input = g.input("input", in, h, w);
        g.output(convs.apply(g, input), "output", out, h, w);
        ModelProto model = g.build();
        return ReferenceEvaluator.run(model, x);
    }

    /** The same-padded k x k conv with {@code kernel}, run on {@code x}. */
    static Tensor runKernel(float[] kernel, int in, int out, int k, int h, int w, Tensor x) {
        return runConvs(in, out, h, w, x, (g, t) -> g.conv(t, kernel, out, in, k, k, null, 1));
    }

    static double maxAbsDiff(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs((double) a[i] - b[i]));
        }
        return max;
    }

    static double maxAbs(float[] a) {
        return maxAbsDiff(a, new float[a.length]);
    }
}
