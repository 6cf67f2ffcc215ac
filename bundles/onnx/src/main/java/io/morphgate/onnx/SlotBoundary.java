package io.morphgate.onnx;

import java.util.Objects;

/**
 * A slot of a backbone: the closed sub-graph between {@code inputTensor} and {@code outputTensor}. Its nodes are
 * everything {@code outputTensor} depends on back to {@code inputTensor} (initializers included); nothing outside the
 * slot may read a tensor inside it.
 */
public record SlotBoundary(String slot, String inputTensor, String outputTensor) {
    public SlotBoundary {
        Objects.requireNonNull(slot, "slot");
        Objects.requireNonNull(inputTensor, "inputTensor");
        Objects.requireNonNull(outputTensor, "outputTensor");
        if (inputTensor.equals(outputTensor)) {
            throw new IllegalArgumentException("slot " + slot + ": input and output tensor are both " + inputTensor);
        }
    }
}
