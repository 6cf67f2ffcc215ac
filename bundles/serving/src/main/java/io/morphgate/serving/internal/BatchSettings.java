package io.morphgate.serving.internal;

/**
 * How requests are batched.
 *
 * @param maxBatchSize   largest batch; 1 turns batching off
 * @param maxDelayNanos  longest a request waits for others to join its batch, counted from its arrival
 * @param queueCapacity  requests that may wait at most
 * @param workers        threads that run batches
 */
record BatchSettings(int maxBatchSize, long maxDelayNanos, int queueCapacity, int workers) {

    BatchSettings {
        if (maxBatchSize < 1 || maxDelayNanos < 0 || queueCapacity < 1 || workers < 1) {
            throw new IllegalArgumentException("batching needs maxBatchSize >= 1, maxDelay >= 0, queueCapacity >= 1 "
                    + "and workers >= 1, not " + maxBatchSize + ", " + maxDelayNanos + " ns, " + queueCapacity + ", " + workers);
        }
    }
}
