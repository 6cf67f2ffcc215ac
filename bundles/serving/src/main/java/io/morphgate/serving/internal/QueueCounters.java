package io.morphgate.serving.internal;

import java.util.concurrent.atomic.AtomicLong;

/** Counts since the service started; shared by the successive queues a configuration change creates. */
final class QueueCounters {

    final AtomicLong accepted = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong batches = new AtomicLong();
    final AtomicLong batchedRequests = new AtomicLong();
}
