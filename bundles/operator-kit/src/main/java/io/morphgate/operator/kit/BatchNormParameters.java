package io.morphgate.operator.kit;

/**
 * Inference-mode batch-norm parameters of one layer, one value per channel. Arrays are owned by the record's creator;
 * they are handed straight to the graph builder, which copies them into initializers.
 *
 * @param scale    gamma
 * @param bias     beta
 * @param mean     running mean
 * @param variance running variance (positive)
 */
public record BatchNormParameters(float[] scale, float[] bias, float[] mean, float[] variance) {

    public BatchNormParameters {
        int c = scale.length;
        if (bias.length != c || mean.length != c || variance.length != c) {
            throw new IllegalArgumentException("batch norm: scale, bias, mean and variance need the same length");
        }
    }

    /** Number of channels. */
    public int channels() {
        return scale.length;
    }
}
