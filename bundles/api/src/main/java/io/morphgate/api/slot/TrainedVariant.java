package io.morphgate.api.slot;

/**
 * Parameters trained in the cloud for one operator variant of a model (parameter separation), shipped with that model
 * and handed to the operator that builds the variant.
 *
 * @param variantId the variant's id, e.g. {@code lowrank-conv2-b0.5}
 * @param subGraph  the variant's sub-graph with its trained weights, ONNX bytes
 * @param metadata  what the trainer wrote beside it (JSON: id, slot, backboneId, testAccuracy, training)
 */
public record TrainedVariant(String variantId, byte[] subGraph, byte[] metadata) {
}
