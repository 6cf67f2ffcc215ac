package io.morphgate.backbone.internal;

import java.util.List;

/**
 * A hand-written slot manifest ({@code slots.json}, named by a model descriptor's {@code slots}): which tensors bound
 * each slot and which initializers hold its trained parameters. The cloud trainer writes it for the Fashion-MNIST
 * model. Its {@code input}, {@code output}, {@code labels}, {@code normalization} and {@code testAccuracy} are what
 * the trainer knew; the gateway takes those facts from the model descriptor only.
 */
public record SlotManifest(String backboneId, String description, Port input, Port output, List<String> labels,
        Normalization normalization, List<Slot> slots, Calibration calibration, Double testAccuracy) {

    /**
     * Real images shipped beside the model for calibration (batch-norm recalibration of derived variants, agreement
     * checks): an uncompressed IDX file of unsigned bytes [count][height][width], relative to the manifest.
     */
    public record Calibration(String images) {
    }

    /** A graph input or output and its per-sample shape. */
    public record Port(String tensor, List<Integer> shape) {
    }

    /** How raw pixels in [0, 1] are normalised before they enter the model: (x - mean) / std. */
    public record Normalization(float mean, float std) {
    }

    /** One slot: the closed sub-graph between two tensors, and the initializers of its default layer. */
    public record Slot(String name, String inputTensor, String outputTensor, List<Integer> inputShape,
            List<Integer> outputShape, int kernelSize, String defaultLayer, SlotParameters parameters) {
    }

    /** Initializer names of the default layer's convolution and batch norm. */
    public record SlotParameters(String kernel, String bnScale, String bnBias, String bnMean, String bnVariance,
            float bnEpsilon) {
    }
}
