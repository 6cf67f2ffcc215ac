package io.morphgate.operator.kit.derive;

import io.morphgate.api.slot.SlotWeights;

import java.util.List;

/**
 * Batch-norm parameters for a factorised conv. A factorised conv only approximates the slot's conv, so its output
 * statistics drift a little; the slot's BN can be reused as is ({@link #shared}), or re-centred and re-scaled on a
 * few calibration inputs ({@link #recalibrate}) so the block after BN sees the activations it was trained on.
 */
public final class BatchNormCalibration {

    /** Per-channel mean and population variance of a conv output. */
    public record ChannelStatistics(double[] mean, double[] variance) {
    }

    /** Inference-mode BN parameters, as {@code GraphBuilder.batchNorm} takes them. */
    public record BatchNorm(float[] scale, float[] bias, float[] mean, float[] variance, float epsilon) {
    }

    /** Below this a channel's output variance counts as constant: no scale can be inferred from it. */
    private static final double FLAT = 1e-12;

    private BatchNormCalibration() {
    }

    /**
     * Mean and population variance per channel over all samples and positions; each sample is row-major
     * {@code [channels][H][W]} (any H x W, the same channel count). Two passes in double, so large activations do not
     * cancel.
     */
    public static ChannelStatistics statistics(List<float[]> activations, int channels) {
        if (activations.isEmpty() || channels < 1) {
            throw new IllegalArgumentException("statistics need at least one sample and one channel");
        }
        double[] mean = new double[channels];
        double[] variance = new double[channels];
        long[] count = new long[channels];
        for (float[] a : activations) {
            int plane = plane(a, channels);
            for (int c = 0; c < channels; c++) {
                for (int p = c * plane; p < (c + 1) * plane; p++) {
                    mean[c] += a[p];
                }
                count[c] += plane;
            }
        }
        for (int c = 0; c < channels; c++) {
            mean[c] /= count[c];
        }
        for (float[] a : activations) {
            int plane = a.length / channels;
            for (int c = 0; c < channels; c++) {
                for (int p = c * plane; p < (c + 1) * plane; p++) {
                    double d = a[p] - mean[c];
                    variance[c] += d * d;
                }
            }
        }
        for (int c = 0; c < channels; c++) {
            variance[c] /= count[c];
        }
        return new ChannelStatistics(mean, variance);
    }

    /**
     * The slot's own BN, copied. Valid when the factorised conv approximates the original well: BN is a per-channel
     * affine map of the conv output, and the conv output is (nearly) unchanged.
     */
    public static BatchNorm shared(SlotWeights w) {
        return new BatchNorm(w.bnScale().clone(), w.bnBias().clone(), w.bnMean().clone(), w.bnVariance().clone(),
                w.bnEpsilon());
    }

    /**
     * BN for the approximate conv with the same post-BN mean and variance per channel as the slot's BN over the
     * calibration inputs. Scale and bias stay; only the running statistics move.
     *
     * <p>Derivation: matching the post-BN std, {@code s'/sqrt(var'+eps) = s/sqrt(var+eps)}, gives
     * {@code var' = (var+eps) s'^2/s^2 - eps}; matching the post-BN mean,
     * {@code (mu'-mean')/sqrt(var'+eps) = (mu-mean)/sqrt(var+eps)}, gives
     * {@code mean' = mu' - (mu-mean) sqrt((var'+eps)/(var+eps))}.
     *
     * <p>{@code var'} may fall below zero by less than {@code eps} when the approximate conv has a smaller spread;
     * only {@code var'+eps} enters BN and it stays positive. A channel whose original or approximate output is flat
     * ({@code s^2} or {@code s'^2} about 0) has no scale to match: it keeps its variance and only its mean is shifted
     * by {@code mu' - mu}.
     *
     * @param originalConv    statistics of the slot's conv (no bias) on the calibration inputs
     * @param approximateConv statistics of the factorised conv on the same inputs
     */
    public static BatchNorm recalibrate(SlotWeights w, ChannelStatistics originalConv,
                                        ChannelStatistics approximateConv) {
        int channels = w.outChannels();
        if (originalConv.mean().length != channels || approximateConv.mean().length != channels) {
            throw new IllegalArgumentException("slot " + w.slot() + ": statistics must cover its " + channels
                    + " output channels");
        }
        double eps = w.bnEpsilon();
        float[] mean = new float[channels];
        float[] variance = new float[channels];
        for (int c = 0; c < channels; c++) {
            double mu = originalConv.mean()[c], s2 = originalConv.variance()[c];
            double muApprox = approximateConv.mean()[c], s2Approx = approximateConv.variance()[c];
            double runningMean = w.bnMean()[c], runningVar = w.bnVariance()[c];
            if (s2 < FLAT || s2Approx < FLAT) {
                variance[c] = (float) runningVar;
                mean[c] = (float) (runningMean + muApprox - mu);
                continue;
            }
            double denominator = (runningVar + eps) * s2Approx / s2;
            variance[c] = (float) (denominator - eps);
            mean[c] = (float) (muApprox - (mu - runningMean) * Math.sqrt(denominator / (runningVar + eps)));
        }
        return new BatchNorm(w.bnScale().clone(), w.bnBias().clone(), mean, variance, w.bnEpsilon());
    }

    private static int plane(float[] sample, int channels) {
        if (sample.length == 0 || sample.length % channels != 0) {
            throw new IllegalArgumentException("a sample of " + sample.length + " values is not " + channels
                    + " channel planes");
        }
        return sample.length / channels;
    }
}
