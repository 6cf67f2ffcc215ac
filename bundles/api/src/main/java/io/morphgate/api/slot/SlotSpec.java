package io.morphgate.api.slot;

/**
 * One replaceable unit of the backbone: what goes in, what must come out, and what fills it by default. The default
 * layer is a convolution (kernel {@code kernelSize}, {@code stride}, padding {@code kernelSize / 2} on every side),
 * then a per-channel affine (its bias, or a batch norm), then {@code activation}, then a 2x2 max-pool when
 * {@code pooled}. A variant must produce {@code output} and end the same way (no ReLU before a residual add).
 *
 * @param name          stable slot name, e.g. {@code conv2}
 * @param index         position of the slot in the backbone, from 0
 * @param input         shape of the tensor that enters the slot
 * @param output        shape the slot must produce; a variant that does not produce it is refused
 * @param kernelSize    kernel size of the default convolution
 * @param defaultLayer  human-readable description of the default layer, e.g. {@code conv3x3(32->64)+BN+ReLU+maxpool2}
 * @param defaultParams parameters of the default layer (weights, BN scale and shift)
 * @param defaultMacs   multiply-accumulates of the default layer for one sample
 * @param stride        the default convolution's stride, the same in both dimensions
 * @param activation    what the default layer ends with, before its pool
 * @param pooled        true when the default layer ends with a 2x2 max-pool of stride 2
 * @since 1.4 (stride, activation, pooled)
 */
public record SlotSpec(String name, int index, TensorShape input, TensorShape output, int kernelSize,
        String defaultLayer, long defaultParams, long defaultMacs, int stride, Activation activation, boolean pooled) {

    /** The activation a slot's default layer ends with. */
    public enum Activation {
        /** {@code Relu} */
        RELU,
        /**
         * none: the layer's output goes on as it is, e.g. into a residual {@code Add}, or into an activation the slot
         * does not include (a {@code Clip} stays outside the slot, after it)
         */
        NONE
    }

    public SlotSpec {
        if (stride < 1) {
            throw new IllegalArgumentException("slot " + name + ": stride must be at least 1, not " + stride);
        }
        if (activation == null) {
            throw new IllegalArgumentException("slot " + name + ": activation is required (NONE for none)");
        }
    }

    /**
     * A slot of the first form, "conv (stride 1, same padding) + BN + ReLU (+ 2x2 max-pool)": pooled when the output
     * has half the input's height and width.
     */
    public SlotSpec(String name, int index, TensorShape input, TensorShape output, int kernelSize,
            String defaultLayer, long defaultParams, long defaultMacs) {
        this(name, index, input, output, kernelSize, defaultLayer, defaultParams, defaultMacs, 1, Activation.RELU,
                output.height() * 2 == input.height() && output.width() * 2 == input.width());
    }

    /** True when the slot's default layer ends with a 2x2 max-pool (same as {@link #pooled()}). */
    public boolean downsamples() {
        return pooled;
    }

    /**
     * Shape of the convolution's output, before the pool: the output channels at the input's height and width
     * divided by the stride (rounded up, as padding {@code kernelSize / 2} gives for an odd kernel).
     */
    public TensorShape convolutionOutput() {
        return new TensorShape(output.channels(), (input.height() - 1) / stride + 1, (input.width() - 1) / stride + 1);
    }

    /**
     * True when {@link #output} is what the layer's geometry gives: the convolution output, halved (rounded down) by
     * the 2x2 pool when {@link #pooled}. Only such a slot can be reproduced by a block of the same geometry.
     */
    public boolean consistent() {
        TensorShape convolved = convolutionOutput();
        return output.equals(pooled ? new TensorShape(convolved.channels(), convolved.height() / 2,
                convolved.width() / 2) : convolved);
    }
}
