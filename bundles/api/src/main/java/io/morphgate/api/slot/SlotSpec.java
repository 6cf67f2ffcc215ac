package io.morphgate.api.slot;

/**
 * One replaceable unit of the backbone: what goes in, what must come out, and what fills it by default.
 *
 * @param name          stable slot name, e.g. {@code conv2}
 * @param index         position of the slot in the backbone, from 0
 * @param input         shape of the tensor that enters the slot
 * @param output        shape the slot must produce; a variant that does not produce it is refused
 * @param kernelSize    kernel size of the default convolution
 * @param defaultLayer  human-readable description of the default layer, e.g. {@code conv3x3(32->64)+BN+ReLU+maxpool2}
 * @param defaultParams parameters of the default layer (weights, BN scale and shift)
 * @param defaultMacs   multiply-accumulates of the default layer for one sample
 */
public record SlotSpec(String name, int index, TensorShape input, TensorShape output, int kernelSize,
        String defaultLayer, long defaultParams, long defaultMacs) {

    /** True when the slot halves height and width (its default layer ends with a 2x2 max-pool). */
    public boolean downsamples() {
        return output.height() * 2 == input.height() && output.width() * 2 == input.width();
    }
}
