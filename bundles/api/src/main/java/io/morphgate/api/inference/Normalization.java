package io.morphgate.api.inference;

/**
 * How a raw pixel value in [0, 1] becomes a model input: {@code (pixel - mean) / std}, as in training.
 */
public record Normalization(float mean, float std) {

    public float apply(float pixel) {
        return (pixel - mean) / std;
    }
}
