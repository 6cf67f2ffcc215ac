package io.morphgate.api.variant;

import java.time.Duration;
import java.util.Optional;

/**
 * How far an operator's background derivation of data-free variants for one model has come. Deriving evaluates
 * every slot on the model's calibration images, which takes minutes for a network of real size: the model serves
 * meanwhile, and whoever watches the gateway needs to know that more variants are coming, and when.
 *
 * @param operator        the operator deriving
 * @param backboneId      the parameters derived from ({@code SlotCatalog.backboneId()})
 * @param phase           where the derivation is
 * @param slotsDone       slots finished (derived, read from the cache, or skipped)
 * @param slotsTotal      slots of the model
 * @param variantsDerived variants computed in this run
 * @param variantsKept    variants read back from the cache of an earlier run
 * @param elapsed         time since the derivation started
 * @param remaining       estimated time left, from the pace so far; empty before the first variant is done, zero once
 *                        ended
 * @param failure         why it failed, when {@code phase} is {@link Phase#FAILED}
 * @since 1.3
 */
public record DerivationProgress(OperatorKind operator, String backboneId, Phase phase, int slotsDone, int slotsTotal,
        int variantsDerived, int variantsKept, Duration elapsed, Optional<Duration> remaining,
        Optional<String> failure) {

    /** Where a derivation is. */
    public enum Phase {
        /** Started; no slot done yet. */
        STARTED,
        /** At least one slot done, more to come. */
        RUNNING,
        /** Every slot done; the derived variants are registered. */
        FINISHED,
        /** Stopped by an error; {@code failure} says which. Variants derived before are not registered. */
        FAILED,
        /** Stopped because the operator or its model went away. */
        CANCELLED;

        /** True for the phases after which no more progress comes. */
        public boolean ended() {
            return this == FINISHED || this == FAILED || this == CANCELLED;
        }
    }
}
