package io.morphgate.api.budget;

/**
 * Limits a configuration must respect; a limit of {@link #UNLIMITED} or {@code Double.POSITIVE_INFINITY} is no limit.
 *
 * @param maxLatencyMillis  latency of one inference (batch 1), measured on this device
 * @param maxMacs           multiply-accumulates per sample
 * @param maxParams         parameters
 * @param maxMemoryBytes    memory of the composed model's weights
 */
public record Budget(double maxLatencyMillis, long maxMacs, long maxParams, long maxMemoryBytes) {

    public static final long UNLIMITED = Long.MAX_VALUE;

    /** No limit at all. */
    public static final Budget NONE = new Budget(Double.POSITIVE_INFINITY, UNLIMITED, UNLIMITED, UNLIMITED);
}
