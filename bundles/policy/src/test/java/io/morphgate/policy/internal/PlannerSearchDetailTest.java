package io.morphgate.policy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

import org.junit.jupiter.api.Test;

import io.morphgate.policy.internal.RealisticProblems.Scenario;

/** What a decision says about its search: nothing when it finished, the optimality gap when a limit stopped it. */
class PlannerSearchDetailTest {

    @Test
    void aFinishedSearchAddsNothing() {
        ConfigurationSearch.Plan plan = ConfigurationSearch.solve(
                RealisticProblems.problem(1, 17, 12, Scenario.MACS_THIRD, Set.of()));
        assertTrue(plan.proven());
        assertEquals("", Planner.searchDetail(plan));
    }

    @Test
    void aStoppedSearchStatesItsGapAndLowerBound() {
        ConfigurationSearch.Problem p = RealisticProblems.problem(2, 50, 12, Scenario.MACS_HALF_AND_LATENCY_70,
                Set.of());
        ConfigurationSearch.Plan plan = ConfigurationSearch.solve(new ConfigurationSearch.Problem(
                p.baseLatencyMillis(), p.baseMacs(), p.baseParams(), p.baseWeightBytes(), p.optionsPerSlot(),
                p.budget(), p.latencyFactor(), Set.of(), 60));
        assertFalse(plan.proven());
        assertTrue(plan.feasible());
        String detail = Planner.searchDetail(plan);
        assertTrue(detail.startsWith("search stopped at its limit of nodes (60 examined)"), detail);
        assertTrue(detail.contains(String.format(java.util.Locale.ROOT, "at most %.4f above the best plan (lower"
                + " bound %.4f)", plan.gap(), plan.dropLowerBound())), detail);
    }
}
