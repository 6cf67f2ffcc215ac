package io.morphgate.policy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class LoadGovernorTest {

    private static final double BUDGET = 1.0;
    private static final double PREDICTED = 0.5;

    @Test
    void stepsDownOnlyAfterConsecutiveMeasurementsOverBudget() {
        LoadGovernor g = new LoadGovernor(3, 5, 0.75, 0);
        assertTrue(g.observe(1.2, PREDICTED, BUDGET, 0).isEmpty());
        assertTrue(g.observe(1.2, PREDICTED, BUDGET, 1).isEmpty());
        Optional<LoadGovernor.Step> step = g.observe(1.5, PREDICTED, BUDGET, 2);
        assertEquals(LoadGovernor.Direction.DOWN, step.orElseThrow().direction());
        assertEquals(3.0, step.get().latencyFactor(), 1e-9, "measured / predicted");
        assertEquals(3.0, g.factor(), 1e-9);
    }

    @Test
    void aMeasurementInsideTheBandResetsTheCount() {
        LoadGovernor g = new LoadGovernor(2, 2, 0.75, 0);
        assertTrue(g.observe(1.2, PREDICTED, BUDGET, 0).isEmpty());
        assertTrue(g.observe(0.9, PREDICTED, BUDGET, 1).isEmpty(), "inside [0.75, 1] x budget");
        assertTrue(g.observe(1.2, PREDICTED, BUDGET, 2).isEmpty(), "the count started again");
        assertTrue(g.observe(1.2, PREDICTED, BUDGET, 3).isPresent());
    }

    @Test
    void noisyMeasurementsAroundTheBudgetNeverStep() {
        // alternating just over and just under the budget: a governor without hysteresis would flip every time
        LoadGovernor g = new LoadGovernor(2, 3, 0.75, 0);
        for (int t = 0; t < 1000; t++) {
            double measured = t % 2 == 0 ? 1.05 : 0.95;
            assertTrue(g.observe(measured, PREDICTED, BUDGET, t).isEmpty(), "tick " + t);
        }
        assertEquals(1.0, g.factor(), 1e-9);
    }

    @Test
    void stepsUpOnlyWithHeadroomAfterTheCooldown() {
        LoadGovernor g = new LoadGovernor(1, 3, 0.75, 1000);
        assertEquals(LoadGovernor.Direction.DOWN, g.observe(2.0, PREDICTED, BUDGET, 0).orElseThrow().direction());
        // load gone at once, but within the cooldown nothing happens
        for (long t = 100; t < 1000; t += 100) {
            assertTrue(g.observe(0.3, 0.25, BUDGET, t).isEmpty(), "cooldown at " + t);
        }
        assertTrue(g.observe(0.3, 0.25, BUDGET, 1000).isEmpty());
        assertTrue(g.observe(0.3, 0.25, BUDGET, 1100).isEmpty());
        LoadGovernor.Step up = g.observe(0.3, 0.25, BUDGET, 1200).orElseThrow();
        assertEquals(LoadGovernor.Direction.UP, up.direction());
        assertEquals(1.2, up.latencyFactor(), 1e-9, "measured / predicted, no lower than 1");
        assertTrue(g.factor() < 4.0);
    }

    @Test
    void withoutLoadOrWithoutALatencyBudgetNothingHappens() {
        LoadGovernor g = new LoadGovernor(1, 1, 0.75, 0);
        assertTrue(g.observe(Double.NaN, PREDICTED, BUDGET, 0).isEmpty());
        assertTrue(g.observe(5.0, PREDICTED, Double.POSITIVE_INFINITY, 1).isEmpty());
        assertTrue(g.observe(0.1, PREDICTED, BUDGET, 2).isEmpty(), "no step up while the factor is 1");
    }
}
