package io.morphgate.backbone.internal;

import java.util.Arrays;

import io.morphgate.api.inference.ServingStatistics;

/**
 * The last minute of inference calls, in one-second buckets of a fixed ring: counters and a bounded sample of
 * latencies per bucket. Recording costs a lock held for a few nanoseconds; reading copies at most 60 x 256 values.
 */
final class LatencyWindow {

    private static final int SECONDS = 60;
    private static final int SAMPLES_PER_SECOND = 256;

    private final long[] bucketSecond = new long[SECONDS];
    private final long[] requests = new long[SECONDS];
    private final long[] failures = new long[SECONDS];
    private final double[][] latencies = new double[SECONDS][SAMPLES_PER_SECOND];
    private final int[] latencyCount = new int[SECONDS];
    private long total;

    synchronized void recordSuccess(int inputs, long nanos) {
        int b = bucket(System.currentTimeMillis() / 1000);
        requests[b] += inputs;
        total += inputs;
        int n = latencyCount[b]++;
        if (n < SAMPLES_PER_SECOND) {
            latencies[b][n] = nanos / 1e6;
        } else {
            // keep a uniform sample of the second's calls (reservoir sampling)
            int slot = (int) (Math.random() * (n + 1));
            if (slot < SAMPLES_PER_SECOND) {
                latencies[b][slot] = nanos / 1e6;
            }
        }
    }

    synchronized void recordFailure(int inputs) {
        failures[bucket(System.currentTimeMillis() / 1000)] += inputs;
    }

    synchronized ServingStatistics snapshot() {
        return snapshot(SECONDS);
    }

    /** The figures of the last {@code seconds} (1 to 60) whole and current seconds. */
    synchronized ServingStatistics snapshot(int seconds) {
        if (seconds < 1 || seconds > SECONDS) {
            throw new IllegalArgumentException("a window of " + seconds + " s; it must be 1 to " + SECONDS);
        }
        long now = System.currentTimeMillis() / 1000;
        long req = 0;
        long fail = 0;
        double[] all = new double[SECONDS * SAMPLES_PER_SECOND];
        int n = 0;
        for (int b = 0; b < SECONDS; b++) {
            if (now - bucketSecond[b] < seconds) {
                req += requests[b];
                fail += failures[b];
                int k = Math.min(latencyCount[b], SAMPLES_PER_SECOND);
                System.arraycopy(latencies[b], 0, all, n, k);
                n += k;
            }
        }
        double[] sorted = Arrays.copyOf(all, n);
        Arrays.sort(sorted);
        return new ServingStatistics(seconds, req, fail, req / (double) seconds, percentile(sorted, 50),
                percentile(sorted, 99), total);
    }

    private int bucket(long second) {
        int b = (int) (second % SECONDS);
        if (bucketSecond[b] != second) {
            bucketSecond[b] = second;
            requests[b] = 0;
            failures[b] = 0;
            latencyCount[b] = 0;
        }
        return b;
    }

    private static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
