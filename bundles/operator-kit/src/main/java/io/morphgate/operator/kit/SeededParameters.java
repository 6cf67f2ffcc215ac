package io.morphgate.operator.kit;

import java.util.Random;

import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.slot.SlotWeights;

/**
 * Fixed-seed parameters with the right shapes and sensible magnitudes, until trained parameters ship with the
 * operator bundles: He-normal convolution weights (so activations keep their scale through ReLU), small biases, and
 * batch-norm parameters near the identity. The same seed always gives the same values, so a variant's sub-graph (and
 * the backbone's cache of it) is stable across restarts.
 *
 * <p>One instance draws from one random stream: use it from one thread, and draw in a fixed order.
 */
public final class SeededParameters {

    private final Random random;

    /** A stream seeded with exactly {@code seed}. */
    public SeededParameters(long seed) {
        this.random = new Random(seed);
    }

    /**
     * A stream for one variant: mixes the configured seed with the variant id (which names the slot and the setting),
     * so that every variant gets its own parameters and changing one setting leaves the others' untouched.
     */
    public static SeededParameters forVariant(long configuredSeed, String variantId) {
        return new SeededParameters(configuredSeed * 1_000_003L + variantId.hashCode());
    }

    /**
     * He-normal weights for a convolution stored [out][inPerGroup][kernelH][kernelW]: normal with standard deviation
     * sqrt(2 / fanIn), fanIn = inPerGroup * kernelH * kernelW.
     */
    public float[] convWeights(int outChannels, int inChannelsPerGroup, int kernelH, int kernelW) {
        int fanIn = inChannelsPerGroup * kernelH * kernelW;
        if (outChannels < 1 || fanIn < 1) {
            throw new IllegalArgumentException("conv weights need positive dimensions, got " + outChannels + "x"
                    + inChannelsPerGroup + "x" + kernelH + "x" + kernelW);
        }
        float std = (float) Math.sqrt(2.0 / fanIn);
        float[] w = new float[outChannels * fanIn];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextGaussian() * std;
        }
        return w;
    }

    /** Biases, normal around 0 with standard deviation 0.05. */
    public float[] biases(int count) {
        return around(count, 0f, 0.05f);
    }

    /** Batch-norm parameters near the identity: scale ~ N(1, 0.1), bias and mean ~ N(0, 0.1), variance in [0.5, 1.5). */
    public BatchNormParameters batchNorm(int channels) {
        float[] scale = around(channels, 1f, 0.1f);
        float[] bias = around(channels, 0f, 0.1f);
        float[] mean = around(channels, 0f, 0.1f);
        float[] variance = new float[channels];
        for (int i = 0; i < channels; i++) {
            variance[i] = 0.5f + random.nextFloat();
        }
        return new BatchNormParameters(scale, bias, mean, variance);
    }

    /**
     * Fixed-seed weights of a slot's default layer (kxk conv, BN): what a synthetic backbone would publish. Lets
     * operators test their derived variants without a trained backbone.
     */
    public SlotWeights slotWeights(SlotSpec slot) {
        int out = slot.output().channels();
        int in = slot.input().channels();
        int k = slot.kernelSize();
        float[] kernel = convWeights(out, in, k, k);
        BatchNormParameters bn = batchNorm(out);
        return new SlotWeights(slot.name(), kernel, out, in, k, bn.scale(), bn.bias(), bn.mean(), bn.variance(),
                SlotBlock.BN_EPSILON);
    }

    private float[] around(int count, float centre, float spread) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = centre + (float) random.nextGaussian() * spread;
        }
        return v;
    }
}
