package io.morphgate.status.page.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;

import io.morphgate.api.inference.ServingStatistics;
import io.morphgate.api.serving.QueueStatistics;

/**
 * The last minutes of serving figures, sampled at a fixed interval: throughput from the growth of the total request
 * count between samples, latency percentiles as the inference service reports them (its own window).
 */
final class ServingHistory {

    private final Supplier<ServingStatistics> serving;
    private final Supplier<QueueStatistics> queue;
    private final int capacity;
    private final Deque<HistoryPoint> points = new ArrayDeque<>();
    private long previousTotal = -1;
    private long previousRefused;
    private long previousAt;

    /** @param queue the serving queue's figures, or null while no prediction service is present */
    ServingHistory(Supplier<ServingStatistics> serving, Supplier<QueueStatistics> queue, int capacity) {
        this.serving = serving;
        this.queue = queue;
        this.capacity = capacity;
    }

    synchronized void sample() {
        long now = System.currentTimeMillis();
        ServingStatistics s = serving.get();
        QueueStatistics q = queue.get();
        long refused = q == null ? 0 : q.refused();
        if (previousTotal >= 0 && now > previousAt) {
            double seconds = (now - previousAt) / 1000.0;
            points.addLast(new HistoryPoint(now, (s.totalRequests() - previousTotal) / seconds, s.p50LatencyMillis(),
                    s.p99LatencyMillis(), s.failures(), q == null ? 0 : q.queued(),
                    Math.max(0, refused - previousRefused)));
            while (points.size() > capacity) {
                points.removeFirst();
            }
        }
        previousTotal = s.totalRequests();
        previousRefused = refused;
        previousAt = now;
    }

    synchronized List<HistoryPoint> points() {
        return List.copyOf(points);
    }
}
