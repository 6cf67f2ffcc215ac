package io.morphgate.api.slot;

/**
 * The trained parameters of a slot's default layer, handed to operators that derive their variants from them
 * (parameter sharing). Arrays are copies owned by the receiver.
 *
 * @param slot         slot name
 * @param kernel       convolution weights, row-major [outChannels][inChannels][kernelSize][kernelSize]
 * @param outChannels  output channels
 * @param inChannels   input channels
 * @param kernelSize   kernel height and width
 * @param bnScale      batch-norm gamma, one per output channel
 * @param bnBias       batch-norm beta
 * @param bnMean       batch-norm running mean
 * @param bnVariance   batch-norm running variance
 * @param bnEpsilon    batch-norm epsilon
 */
public record SlotWeights(String slot, float[] kernel, int outChannels, int inChannels, int kernelSize,
        float[] bnScale, float[] bnBias, float[] bnMean, float[] bnVariance, float bnEpsilon) {
}
