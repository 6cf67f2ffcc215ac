package io.morphgate.backbone.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.morphgate.api.inference.ServingStatistics;

class LatencyWindowTest {

    @Test
    void countsRequestsAndFailuresAndReportsPercentiles() {
        LatencyWindow window = new LatencyWindow();
        for (int i = 1; i <= 100; i++) {
            window.recordSuccess(1, i * 1_000_000L);
        }
        window.recordSuccess(32, 5_000_000L);
        window.recordFailure(3);
        ServingStatistics s = window.snapshot();
        assertEquals(132, s.requests());
        assertEquals(3, s.failures());
        assertEquals(132, s.totalRequests());
        assertEquals(132 / 60.0, s.requestsPerSecond(), 1e-9);
        // 101 latency samples: 1..100 ms and one 5 ms; the median is 50 ms, p99 is 99 ms
        assertEquals(50.0, s.p50LatencyMillis(), 1e-9);
        assertEquals(99.0, s.p99LatencyMillis(), 1e-9);
    }

    @Test
    void anEmptyWindowHasNoPercentiles() {
        ServingStatistics s = new LatencyWindow().snapshot();
        assertEquals(0, s.requests());
        assertTrue(Double.isNaN(s.p50LatencyMillis()));
    }
}
