package io.morphgate.policy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PredictedVersusMeasuredTest {

    @Test
    void theRatioIsMeasuredOverPredictedAndTheMedianCoversTheRecentPlans() {
        PredictedVersusMeasured p = new PredictedVersusMeasured();
        assertEquals(1.25, p.record(20, 25), 1e-12);
        assertEquals(0.5, p.record(20, 10), 1e-12);
        assertEquals(1.0, p.record(30, 30), 1e-12);
        assertEquals(3, p.count());
        assertEquals(1.0, p.median(), 1e-12);
        assertEquals("measured / predicted latency 1.00 (additive model; last 3 committed plans: median 1.00,"
                + " 0.50 to 1.25)", p.describe(1.0));
    }

    @Test
    void onlyTheLastWindowOfPlansCounts() {
        PredictedVersusMeasured p = new PredictedVersusMeasured();
        for (int i = 0; i < PredictedVersusMeasured.WINDOW; i++) {
            p.record(10, 30);
        }
        for (int i = 0; i < PredictedVersusMeasured.WINDOW; i++) {
            p.record(10, 11);
        }
        assertEquals(PredictedVersusMeasured.WINDOW, p.count());
        assertEquals(1.1, p.median(), 1e-12);
    }

    @Test
    void aFailedMeasurementIsNotRecorded() {
        PredictedVersusMeasured p = new PredictedVersusMeasured();
        assertTrue(Double.isNaN(p.record(10, Double.NaN)));
        assertTrue(Double.isNaN(p.record(0, 5)));
        assertEquals(0, p.count());
        assertEquals("measured / predicted latency not known", p.describe(Double.NaN));
    }
}
