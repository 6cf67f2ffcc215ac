package io.morphgate.policy.internal;

/**
 * One way to fill a slot, as a change from its default layer: what it costs in accuracy and resources.
 *
 * @param slot          the slot
 * @param variantId     the variant, or null for the default layer
 * @param accuracyDrop  expected loss of whole-model accuracy when swapped in alone (zero or more)
 * @param latencyMillis change of the latency of one inference (profiled, idle device)
 * @param macs          change of multiply-accumulates per sample
 * @param params        change of parameters
 * @param weightBytes   change of weight bytes
 */
record SlotOption(String slot, String variantId, double accuracyDrop, double latencyMillis, long macs, long params,
        long weightBytes) {

    static SlotOption defaultLayer(String slot) {
        return new SlotOption(slot, null, 0, 0, 0, 0, 0);
    }

    boolean isDefaultLayer() {
        return variantId == null;
    }
}
