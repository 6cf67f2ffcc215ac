package io.morphgate.policy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.morphgate.api.budget.Budget;
import io.morphgate.api.model.Configuration;

class ConfigurationSearchTest {

    /** Brute force over every combination: the reference the search must match. */
    private static double bestDropByBruteForce(ConfigurationSearch.Problem p, Set<Configuration> excluded) {
        double best = Double.POSITIVE_INFINITY;
        int n = p.optionsPerSlot().size();
        int[] index = new int[n];
        while (true) {
            double drop = 0;
            double latency = p.baseLatencyMillis();
            long macs = p.baseMacs();
            long params = p.baseParams();
            long bytes = p.baseWeightBytes();
            List<SlotOption> choice = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                SlotOption o = p.optionsPerSlot().get(i).get(index[i]);
                choice.add(o);
                drop += o.accuracyDrop();
                latency += o.latencyMillis();
                macs += o.macs();
                params += o.params();
                bytes += o.weightBytes();
            }
            Budget b = p.budget();
            if (latency * p.latencyFactor() <= b.maxLatencyMillis() && macs <= b.maxMacs() && params <= b.maxParams()
                    && bytes <= b.maxMemoryBytes() && !excluded.contains(ConfigurationSearch.configurationOf(choice))) {
                best = Math.min(best, drop);
            }
            int i = n - 1;
            while (i >= 0 && ++index[i] == p.optionsPerSlot().get(i).size()) {
                index[i--] = 0;
            }
            if (i < 0) {
                return best;
            }
        }
    }

    private static ConfigurationSearch.Problem randomProblem(Random random, Set<Configuration> excluded) {
        int slots = 1 + random.nextInt(5);
        List<List<SlotOption>> options = new ArrayList<>();
        for (int s = 0; s < slots; s++) {
            List<SlotOption> slot = new ArrayList<>();
            slot.add(SlotOption.defaultLayer("s" + s));
            int variants = random.nextInt(9);
            for (int v = 0; v < variants; v++) {
                // variants mostly cost accuracy and save resources, some are worse on both, some gain accuracy
                slot.add(new SlotOption("s" + s, "s" + s + "-v" + v, random.nextDouble() * 0.1 - 0.01,
                        random.nextDouble() * 0.4 - 0.3, -random.nextInt(3_000_000) + 200_000,
                        -random.nextInt(30_000) + 2_000, -random.nextInt(120_000) + 8_000));
            }
            options.add(slot);
        }
        Budget budget = new Budget(random.nextBoolean() ? 0.5 + random.nextDouble() : Double.POSITIVE_INFINITY,
                random.nextBoolean() ? 4_000_000 + random.nextInt(8_000_000) : Budget.UNLIMITED,
                random.nextInt(4) == 0 ? 60_000 + random.nextInt(50_000) : Budget.UNLIMITED,
                random.nextInt(4) == 0 ? 240_000 + random.nextInt(200_000) : Budget.UNLIMITED);
        return new ConfigurationSearch.Problem(1.0, 11_000_000, 100_000, 400_000, options, budget,
                1 + random.nextDouble(), excluded);
    }

    @Test
    void findsTheOptimumOfBruteForceOnRandomInstances() {
        Random random = new Random(20261127);
        int feasible = 0;
        for (int trial = 0; trial < 2000; trial++) {
            ConfigurationSearch.Problem problem = randomProblem(random, Set.of());
            double expected = bestDropByBruteForce(problem, Set.of());
            ConfigurationSearch.Plan plan = ConfigurationSearch.solve(problem);
            if (Double.isInfinite(expected)) {
                assertFalse(plan.feasible(), "trial " + trial + ": nothing fits, the plan must say so");
            } else {
                feasible++;
                assertTrue(plan.feasible(), "trial " + trial);
                assertEquals(expected, plan.accuracyDrop(), 1e-9, "trial " + trial);
                Budget b = problem.budget();
                assertTrue(plan.predictedLatencyMillis() <= b.maxLatencyMillis() && plan.macs() <= b.maxMacs()
                        && plan.params() <= b.maxParams() && plan.weightBytes() <= b.maxMemoryBytes(), "trial " + trial);
            }
        }
        assertTrue(feasible > 500, "the random instances must mostly be feasible to test anything: " + feasible);
    }

    @Test
    void excludedConfigurationsAreNeverChosenAndTheNextBestIs() {
        Random random = new Random(7);
        for (int trial = 0; trial < 300; trial++) {
            ConfigurationSearch.Problem open = randomProblem(random, Set.of());
            ConfigurationSearch.Plan first = ConfigurationSearch.solve(open);
            if (!first.feasible()) {
                continue;
            }
            Set<Configuration> excluded = Set.of(first.configuration());
            ConfigurationSearch.Problem closed = new ConfigurationSearch.Problem(open.baseLatencyMillis(),
                    open.baseMacs(), open.baseParams(), open.baseWeightBytes(), open.optionsPerSlot(), open.budget(),
                    open.latencyFactor(), excluded);
            double expected = bestDropByBruteForce(closed, excluded);
            ConfigurationSearch.Plan second = ConfigurationSearch.solve(closed);
            assertFalse(second.feasible() && second.configuration().equals(first.configuration()), "trial " + trial);
            if (!Double.isInfinite(expected)) {
                assertEquals(expected, second.accuracyDrop(), 1e-9, "trial " + trial);
            }
        }
    }

    @Test
    void withoutALimitTheFullModelWinsOverVariantsThatCostAccuracy() {
        List<List<SlotOption>> options = List.of(
                List.of(SlotOption.defaultLayer("conv1"), new SlotOption("conv1", "a", 0.01, -0.1, -1000, -10, -40)),
                List.of(SlotOption.defaultLayer("conv2"), new SlotOption("conv2", "b", 0.02, -0.1, -1000, -10, -40)));
        ConfigurationSearch.Plan plan = ConfigurationSearch.solve(new ConfigurationSearch.Problem(1, 10_000, 100, 400,
                options, Budget.NONE, 1, Set.of()));
        assertEquals(Configuration.DEFAULT, plan.configuration());
        assertTrue(plan.feasible());
    }

    @Test
    void whenNothingFitsTheLeastViolatingCombinationIsReturned() {
        List<List<SlotOption>> options = List.of(
                List.of(SlotOption.defaultLayer("conv1"), new SlotOption("conv1", "a", 0.01, 0, -1000, 0, 0),
                        new SlotOption("conv1", "b", 0.05, 0, -3000, 0, 0)));
        ConfigurationSearch.Plan plan = ConfigurationSearch.solve(new ConfigurationSearch.Problem(1, 10_000, 100, 400,
                options, new Budget(Double.POSITIVE_INFINITY, 5_000, Budget.UNLIMITED, Budget.UNLIMITED), 1, Set.of()));
        assertFalse(plan.feasible());
        assertEquals("b", plan.configuration().variantBySlot().get("conv1"));
        assertEquals(7_000, plan.macs());
    }
}
