package io.morphgate.api.model;

/**
 * A configuration composed and timed on this device by {@link ModelControl#profile}: one session of its own, batch 1,
 * on the backbone's calibration images.
 *
 * @param configuration       the configuration timed
 * @param medianLatencyMillis median time of one inference
 * @param p99LatencyMillis    99th percentile of the same
 * @param runs                timed inferences (after warm-up)
 * @param macs                multiply-accumulates per sample of the composed model
 * @param params              parameters of the composed model
 * @param weightBytes         bytes of the composed model's weights (float32)
 */
public record ConfigurationProfile(Configuration configuration, double medianLatencyMillis, double p99LatencyMillis,
        int runs, long macs, long params, long weightBytes) {
}
