package io.morphgate.api.model;

import java.util.Optional;

import io.morphgate.api.slot.SlotSpec;

/**
 * A slot and what fills it now.
 *
 * @param spec          the slot
 * @param activeVariant the variant serving in it, or empty for the default layer
 * @param pinnedVariant the variant an operator pinned it to, if any
 */
public record SlotState(SlotSpec spec, Optional<String> activeVariant, Optional<String> pinnedVariant) {
}
