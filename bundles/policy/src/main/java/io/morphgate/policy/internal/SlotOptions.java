package io.morphgate.policy.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;

import io.morphgate.api.model.ModelStatus;
import io.morphgate.api.model.SlotState;
import io.morphgate.api.model.VariantState;
import io.morphgate.api.variant.VariantDescriptor;

/**
 * Turns the backbone's status and the profiles into the options of each slot. The accuracy model: a variant's drop is
 * the full model's test accuracy minus its single-swap test accuracy when both are known (trained variants carry it;
 * never below zero);
 * otherwise one minus its agreement with the default model on the calibration images (a bound: every disagreement
 * could be an error); a variant with neither is not a candidate yet. A pinned slot has one option, its pin.
 */
final class SlotOptions {

    /** The options per slot (in slot order), the pinned slots, and a signature that changes with any input. */
    record Built(List<List<SlotOption>> perSlot, List<String> pinnedSlots, Map<String, Integer> candidates,
            ProfileStore.Entry base, String signature) {
    }

    private SlotOptions() {
    }

    /** What the options would be built from, without profiling: to see whether anything changed. */
    static String signature(ModelStatus status, OptionalDouble fullAccuracy, Set<String> unhealthy) {
        StringBuilder s = new StringBuilder(status.backboneId());
        for (SlotState slot : status.slots()) {
            s.append('|').append(slot.spec().name()).append('=').append(slot.pinnedVariant().orElse(""));
        }
        for (VariantState v : status.variants()) {
            if (v.accepted() && !unhealthy.contains(v.descriptor().id())) {
                s.append('|').append(v.descriptor().id()).append(':').append(drop(v, fullAccuracy).orElse(Double.NaN));
            }
        }
        return s.toString();
    }

    static Built build(ModelStatus status, OptionalDouble fullAccuracy, Set<String> unhealthy, Profiler profiler,
            Profiler.Counter measured) {
        String backboneId = status.backboneId();
        ProfileStore.Entry base = profiler.defaultConfiguration(backboneId, measured);
        List<List<SlotOption>> perSlot = new ArrayList<>();
        List<String> pinned = new ArrayList<>();
        Map<String, Integer> candidates = new LinkedHashMap<>();
        for (SlotState slot : status.slots()) {
            String name = slot.spec().name();
            List<SlotOption> options = new ArrayList<>();
            Optional<String> pin = slot.pinnedVariant().filter(p -> "default".equals(p) || accepted(status, p, name));
            for (VariantState v : status.variants()) {
                VariantDescriptor d = v.descriptor();
                boolean wanted = pin.isPresent() ? pin.get().equals(d.id()) : !unhealthy.contains(d.id());
                if (!v.accepted() || !d.slot().equals(name) || !wanted) {
                    continue;
                }
                OptionalDouble drop = pin.isPresent() ? OptionalDouble.of(drop(v, fullAccuracy).orElse(0))
                        : drop(v, fullAccuracy);
                if (drop.isEmpty()) {
                    continue;
                }
                profiler.variant(backboneId, v, measured).ifPresent(p -> options.add(new SlotOption(name, d.id(),
                        drop.getAsDouble(), p.latencyChange(base), p.macs() - base.macs(),
                        p.params() - base.params(), p.weightBytes() - base.weightBytes())));
            }
            if (pin.isPresent()) {
                pinned.add(name);
            }
            boolean pinnedToVariant = pin.isPresent() && !"default".equals(pin.get());
            if (!pinnedToVariant || options.isEmpty()) {
                options.add(0, SlotOption.defaultLayer(name));
            }
            candidates.put(name, (int) options.stream().filter(o -> !o.isDefaultLayer()).count());
            perSlot.add(options);
        }
        return new Built(perSlot, pinned, new TreeMap<>(candidates), base,
                signature(status, fullAccuracy, unhealthy));
    }

    /**
     * The expected accuracy drop of a variant swapped in alone, if it can be estimated; never negative. A variant
     * whose measured single-swap accuracy is above the full model's counts as losing nothing, not as gaining: the
     * difference is a few test images (0.11 points, 11 images, for the best trained variant), what another seed
     * would move either way, and the full model is the one that was trained as a whole. So with no budget the full
     * model serves, and between equal estimates the tie rules (fewer swaps, fewer MACs) decide.
     */
    static OptionalDouble drop(VariantState v, OptionalDouble fullAccuracy) {
        OptionalDouble accuracy = v.descriptor().expectedAccuracy();
        if (accuracy.isPresent() && fullAccuracy.isPresent()) {
            return OptionalDouble.of(Math.max(0, fullAccuracy.getAsDouble() - accuracy.getAsDouble()));
        }
        if (v.agreement().isPresent()) {
            return OptionalDouble.of(1 - v.agreement().getAsDouble());
        }
        return OptionalDouble.empty();
    }

    private static boolean accepted(ModelStatus status, String variantId, String slot) {
        return status.variants().stream().anyMatch(v -> v.accepted() && v.descriptor().id().equals(variantId)
                && v.descriptor().slot().equals(slot));
    }
}
