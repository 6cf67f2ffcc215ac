package io.morphgate.api.model;

import java.util.Optional;
import java.util.OptionalDouble;

import io.morphgate.api.variant.VariantDescriptor;

/**
 * What the backbone made of a variant it was offered.
 *
 * @param descriptor    the variant
 * @param bundleId      the bundle that registered it
 * @param accepted      true when its sub-graph fits its slot and can be composed
 * @param refusalReason why it was refused, when it was
 * @param active        true when it fills its slot in the serving configuration
 * @param agreement     fraction of the backbone's calibration images on which the model with only this variant
 *                      swapped in predicts the class the default model predicts; measured on admission, empty when
 *                      not measured
 */
public record VariantState(VariantDescriptor descriptor, long bundleId, boolean accepted, Optional<String> refusalReason,
        boolean active, OptionalDouble agreement) {
}
