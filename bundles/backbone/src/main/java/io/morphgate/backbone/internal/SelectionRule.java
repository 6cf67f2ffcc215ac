package io.morphgate.backbone.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.morphgate.api.model.Configuration;
import io.morphgate.api.slot.SlotSpec;

/**
 * Which variant fills each slot: the pinned variant if it is bound and accepted; otherwise, while a policy's plan is
 * in force, the plan's variant if it is bound and accepted, else the default layer; otherwise (no plan) what
 * {@link UnplannedSlots} says: by default the default layer (variants are offered, not imposed), or the accepted
 * variant with the highest service ranking, the most recently bound first among equals. A pin to
 * {@value #DEFAULT_LAYER} holds the slot on its default layer.
 */
final class SelectionRule {

    /** A pin to this name keeps the slot on its default layer. */
    static final String DEFAULT_LAYER = "default";

    private SelectionRule() {
    }

    /** The chosen variant per slot, captured so that an unbind during composition cannot pull one away. */
    record Selection(Configuration configuration, Map<String, OfferedVariant> variantBySlot) {
    }

    /**
     * The selection for {@code slots}; {@code plan} (slot to variant id, null for no plan) decides the slots that are
     * not pinned, {@code unplanned} those when there is no plan.
     */
    static Selection choose(List<SlotSpec> slots, VariantRegistry registry, Map<String, String> pins,
            Map<String, String> plan, UnplannedSlots unplanned) {
        Map<String, OfferedVariant> choice = new HashMap<>();
        for (SlotSpec slot : slots) {
            String pinned = pins.get(slot.name());
            if (DEFAULT_LAYER.equals(pinned)) {
                continue;
            }
            OfferedVariant chosen = pinned == null ? null
                    : registry.accepted(pinned).filter(v -> slot.name().equals(v.slot())).orElse(null);
            if (chosen == null && plan != null) {
                String planned = plan.get(slot.name());
                chosen = planned == null ? null
                        : registry.accepted(planned).filter(v -> slot.name().equals(v.slot())).orElse(null);
            } else if (chosen == null && unplanned == UnplannedSlots.HIGHEST_RANKED) {
                List<OfferedVariant> candidates = registry.candidates(slot.name());
                chosen = candidates.isEmpty() ? null : candidates.get(0);
            }
            if (chosen != null) {
                choice.put(slot.name(), chosen);
            }
        }
        Map<String, String> ids = new HashMap<>();
        choice.forEach((slot, variant) -> ids.put(slot, variant.id()));
        return new Selection(new Configuration(ids), Map.copyOf(choice));
    }
}
