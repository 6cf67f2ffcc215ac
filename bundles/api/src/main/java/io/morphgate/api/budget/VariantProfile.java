package io.morphgate.api.budget;

import java.time.Instant;

/**
 * What a variant (or a slot's default layer, with an empty variant id) was measured to cost on this device.
 *
 * @param slot               slot name
 * @param variantId          variant id, or empty for the default layer
 * @param medianLatencyMillis median latency of the slot alone, batch 1
 * @param p99LatencyMillis   99th percentile latency of the slot alone, batch 1
 * @param samples            number of timed runs
 * @param measuredAt         when
 */
public record VariantProfile(String slot, String variantId, double medianLatencyMillis, double p99LatencyMillis,
        int samples, Instant measuredAt) {
}
