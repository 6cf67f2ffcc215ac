package io.morphgate.api.variant;

/**
 * An operator's word that it offers no variant (or not every setting) for a slot, and why: a person reading the
 * {@code variants} listing sees what the operator could not honour (a stride it does not reproduce, an activation
 * its block does not end with, a width it cannot split) instead of a slot that is silently missing.
 *
 * @param operator the operator that skips the slot
 * @param slot     the slot's name
 * @param reason   why, for a person, naming the setting when only some settings are skipped
 * @since 1.3
 */
public record SlotSkip(OperatorKind operator, String slot, String reason) {
}
