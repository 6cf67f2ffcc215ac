package io.morphgate.status.page.internal;

/**
 * One sample of the serving figures.
 *
 * @param atMillis          when (epoch milliseconds)
 * @param requestsPerSecond requests answered per second since the previous sample
 * @param p50LatencyMillis  median time in the model over the inference service's window (as telemetry)
 * @param p99LatencyMillis  99th percentile of the same
 * @param failures          requests that failed over the inference service's window (as telemetry)
 * @param queued            requests waiting for a batch at the sample
 * @param refused           requests refused (queue full) since the previous sample
 */
record HistoryPoint(long atMillis, double requestsPerSecond, double p50LatencyMillis, double p99LatencyMillis,
        long failures, int queued, long refused) {
}
