package io.morphgate.api.serving;

/**
 * How the request queue and the dynamic batching have been doing since the service started.
 *
 * @param queued         requests waiting now
 * @param capacity       requests that may wait at most; more are refused with {@code OVERLOADED}
 * @param accepted       requests queued
 * @param refused        requests refused because the queue was full
 * @param rejected       requests refused because their input was bad (wrong shape, type, image...)
 * @param batches        batches run
 * @param batchedRequests requests those batches held (mean batch size = batchedRequests / batches)
 * @param maxBatchSize   configured largest batch
 * @param maxDelayMicros configured longest time a request waits for others to join its batch
 */
public record QueueStatistics(int queued, int capacity, long accepted, long refused, long rejected, long batches,
        long batchedRequests, int maxBatchSize, long maxDelayMicros) {
}
