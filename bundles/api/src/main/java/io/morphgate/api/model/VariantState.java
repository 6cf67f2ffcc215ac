package io.morphgate.api.model;

import java.util.Optional;

import io.morphgate.api.variant.VariantDescriptor;

/**
 * What the backbone made of a variant it was offered.
 *
 * @param descriptor    the variant
 * @param bundleId      the bundle that registered it
 * @param accepted      true when its sub-graph fits its slot and can be composed
 * @param refusalReason why it was refused, when it was
 * @param active        true when it fills its slot in the serving configuration
 */
public record VariantState(VariantDescriptor descriptor, long bundleId, boolean accepted, Optional<String> refusalReason,
        boolean active) {
}
