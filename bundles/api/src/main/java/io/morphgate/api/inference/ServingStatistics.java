package io.morphgate.api.inference;

/**
 * How the inference service has been doing over a recent window: what telemetry publishes and a policy reads.
 *
 * @param windowSeconds       length of the window the figures cover
 * @param requests            requests answered in the window (a batch counts each of its inputs)
 * @param failures            requests that failed in the window
 * @param requestsPerSecond   requests / window
 * @param p50LatencyMillis    median time in the model per call, over the window (NaN without calls)
 * @param p99LatencyMillis    99th percentile of the same
 * @param totalRequests       requests answered since the service started
 */
public record ServingStatistics(double windowSeconds, long requests, long failures, double requestsPerSecond,
        double p50LatencyMillis, double p99LatencyMillis, long totalRequests) {
}
