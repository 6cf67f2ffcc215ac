package io.morphgate.api.slot;

/**
 * The shape of one sample as channels x height x width (the batch dimension is implicit).
 */
public record TensorShape(int channels, int height, int width) {

    public TensorShape {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("shape dimensions must be positive: " + channels + "x" + height + "x" + width);
        }
    }

    /** Number of floats in one sample. */
    public int elementCount() {
        return channels * height * width;
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width;
    }
}
