package io.morphgate.policy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.morphgate.api.budget.Budget;
import io.morphgate.api.model.Configuration;

class ConfigurationSearchTest {

    /** Brute force over every combination: the reference the search must match. */
    private static double bestDropByBruteForce(ConfigurationSearch.Problem p, Set<Configuration> excluded) {
        return bruteForce(p, excluded)[0];
    }

    /** The smallest drop that fits (infinite if none), and the smallest worst ratio of a figure to its limit. */
    private static double[] bruteForce(ConfigurationSearch.Problem p, Set<Configuration> excluded) {
        double best = Double.POSITIVE_INFINITY;
        double leastRatio = Double.POSITIVE_INFINITY;
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
            boolean allowed = !excluded.contains(ConfigurationSearch.configurationOf(choice));
            if (latency * p.latencyFactor() <= b.maxLatencyMillis() && macs <= b.maxMacs() && params <= b.maxParams()
                    && bytes <= b.maxMemoryBytes() && allowed) {
                best = Math.min(best, drop);
            }
            if (allowed) {
                leastRatio = Math.min(leastRatio, worstRatio(b, latency * p.latencyFactor(), macs, params, bytes));
            }
            int i = n - 1;
            while (i >= 0 && ++index[i] == p.optionsPerSlot().get(i).size()) {
                index[i--] = 0;
            }
            if (i < 0) {
                return new double[] {best, leastRatio};
            }
        }
    }

    private static double worstRatio(Budget b, double latency, long macs, long params, long bytes) {
        return Math.max(Math.max(latency / b.maxLatencyMillis(), macs / (double) b.maxMacs()),
                Math.max(params / (double) b.maxParams(), bytes / (double) b.maxMemoryBytes()));
    }

    private static double worstRatio(ConfigurationSearch.Plan plan, Budget b) {
        return worstRatio(b, plan.predictedLatencyMillis(), plan.macs(), plan.params(), plan.weightBytes());
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
            double[] reference = bruteForce(problem, Set.of());
            double expected = reference[0];
            ConfigurationSearch.Plan plan = ConfigurationSearch.solve(problem);
            assertTrue(plan.proven(), "trial " + trial + ": without a limit on nodes the search finishes");
            if (Double.isInfinite(expected)) {
                assertFalse(plan.feasible(), "trial " + trial + ": nothing fits, the plan must say so");
                assertEquals(reference[1], worstRatio(plan, problem.budget()), 1e-9,
                        "trial " + trial + ": the closest combination");
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

    private static ConfigurationSearch.Problem with(ConfigurationSearch.Problem p, Set<Configuration> excluded,
            long nodeLimit) {
        return new ConfigurationSearch.Problem(p.baseLatencyMillis(), p.baseMacs(), p.baseParams(),
                p.baseWeightBytes(), p.optionsPerSlot(), p.budget(), p.latencyFactor(), excluded, nodeLimit);
    }

    /** A random configuration of the problem (a random option per slot). */
    private static Configuration randomConfiguration(ConfigurationSearch.Problem p, Random random) {
        List<SlotOption> choice = new ArrayList<>();
        for (List<SlotOption> slot : p.optionsPerSlot()) {
            choice.add(slot.get(random.nextInt(slot.size())));
        }
        return ConfigurationSearch.configurationOf(choice);
    }

    @Test
    void withExclusionsTheOptimumOfBruteForceIsFound() {
        Random random = new Random(99);
        for (int trial = 0; trial < 1500; trial++) {
            ConfigurationSearch.Problem open = randomProblem(random, Set.of());
            Set<Configuration> excluded = new HashSet<>();
            // the best few (as rolled-back plans would exclude them) and some random ones
            for (int i = random.nextInt(4); i > 0; i--) {
                ConfigurationSearch.Plan plan = ConfigurationSearch.solve(with(open, Set.copyOf(excluded),
                        Long.MAX_VALUE));
                excluded.add(plan.configuration());
            }
            for (int i = random.nextInt(6); i > 0; i--) {
                excluded.add(randomConfiguration(open, random));
            }
            ConfigurationSearch.Problem closed = with(open, Set.copyOf(excluded), Long.MAX_VALUE);
            double[] reference = bruteForce(closed, excluded);
            ConfigurationSearch.Plan plan = ConfigurationSearch.solve(closed);
            assertTrue(plan.proven(), "trial " + trial);
            if (Double.isInfinite(reference[0])) {
                assertFalse(plan.feasible(), "trial " + trial);
            } else {
                assertTrue(plan.feasible(), "trial " + trial);
                assertEquals(reference[0], plan.accuracyDrop(), 1e-9, "trial " + trial);
                assertFalse(excluded.contains(plan.configuration()), "trial " + trial);
            }
        }
    }

    @Test
    void aSearchStoppedByItsNodeLimitReturnsAFittingPlanAndABoundBelowTheOptimum() {
        Random random = new Random(4242);
        int stopped = 0;
        for (int trial = 0; trial < 2000; trial++) {
            Set<Configuration> excluded = new HashSet<>();
            ConfigurationSearch.Problem open = randomProblem(random, Set.of());
            if (random.nextBoolean()) {
                excluded.add(randomConfiguration(open, random));
            }
            ConfigurationSearch.Problem problem = with(open, Set.copyOf(excluded), 1 + random.nextInt(12));
            double optimum = bestDropByBruteForce(problem, excluded);
            ConfigurationSearch.Plan plan = ConfigurationSearch.solve(problem);
            String t = "trial " + trial;
            if (plan.proven()) {
                assertEquals(Double.isInfinite(optimum), !plan.feasible(), t);
                if (plan.feasible()) {
                    assertEquals(optimum, plan.accuracyDrop(), 1e-9, t);
                    assertEquals(0, plan.gap(), t);
                }
                continue;
            }
            stopped++;
            if (plan.feasible()) {
                Budget b = problem.budget();
                assertTrue(plan.predictedLatencyMillis() <= b.maxLatencyMillis() && plan.macs() <= b.maxMacs()
                        && plan.params() <= b.maxParams() && plan.weightBytes() <= b.maxMemoryBytes(), t);
                assertFalse(excluded.contains(plan.configuration()), t);
                assertTrue(plan.dropLowerBound() <= optimum + 1e-9, t + ": the bound is below the optimum");
                assertTrue(optimum <= plan.accuracyDrop() + 1e-9, t);
                assertTrue(plan.gap() >= 0, t);
            } else {
                assertTrue(Double.isNaN(plan.dropLowerBound()), t + ": no bound is claimed when nothing was found");
            }
        }
        assertTrue(stopped > 200, "the limits must stop enough searches to test anything: " + stopped);
    }

    @Test
    void agreesWithThePlainBranchAndBoundOnNetworkShapedProblems() {
        int compared = 0;
        for (RealisticProblems.Scenario scenario : RealisticProblems.Scenario.values()) {
            for (long seed = 0; seed < 25; seed++) {
                ConfigurationSearch.Problem problem = RealisticProblems.problem(seed, 5, 12, scenario, Set.of());
                PlainBranchAndBound.Result reference = PlainBranchAndBound.solve(problem, 5_000_000);
                if (!reference.finished()) {
                    continue;
                }
                compared++;
                ConfigurationSearch.Plan plan = ConfigurationSearch.solve(with(problem, Set.of(), Long.MAX_VALUE));
                assertTrue(plan.proven());
                assertEquals(reference.feasible(), plan.feasible(), scenario + " seed " + seed);
                if (reference.feasible()) {
                    assertEquals(reference.drop(), plan.accuracyDrop(), 1e-9, scenario + " seed " + seed);
                }
            }
        }
        assertTrue(compared > 100, "compared " + compared);
    }

    @Test
    void aResNetSizedProblemWithoutBudgetKeepsTheFullModelThoughManyVariantsTieAtNoDrop() {
        ConfigurationSearch.Problem problem = RealisticProblems.problem(3, 17, 12,
                RealisticProblems.Scenario.NO_BUDGET, Set.of());
        long zeroDrop = problem.optionsPerSlot().stream().flatMap(List::stream)
                .filter(o -> !o.isDefaultLayer() && o.accuracyDrop() == 0).count();
        ConfigurationSearch.Plan plan = ConfigurationSearch.solve(problem);
        assertTrue(zeroDrop > 17, "the problem must have ties to break: " + zeroDrop);
        assertEquals(Configuration.DEFAULT, plan.configuration());
        assertTrue(plan.proven());
    }

    @Test
    void whenNothingFitsAResNetSizedProblemTheClosestCombinationIsProven() {
        // the old fallback enumerated all 12^17 combinations and never returned
        ConfigurationSearch.Problem problem = RealisticProblems.problem(5, 17, 12,
                RealisticProblems.Scenario.NOTHING_FITS, Set.of());
        ConfigurationSearch.Plan plan = ConfigurationSearch.solve(problem);
        assertFalse(plan.feasible());
        assertTrue(plan.proven());
        // only the MAC limit (1/50 of the full model's) is out of reach: the fewest MACs are the closest
        long fewestMacs = problem.baseMacs() + problem.optionsPerSlot().stream()
                .mapToLong(slot -> slot.stream().mapToLong(SlotOption::macs).min().orElseThrow()).sum();
        assertEquals(fewestMacs, plan.macs());
    }

    @Test
    void anOptionBeatenInEveryFigureIsChosenWhenTheConfigurationWithItsBetterIsExcluded() {
        List<List<SlotOption>> options = List.of(List.of(SlotOption.defaultLayer("conv1"),
                new SlotOption("conv1", "better", 0.01, -0.2, -2000, -20, -80),
                new SlotOption("conv1", "worse", 0.02, -0.1, -1000, -10, -40)));
        Budget budget = new Budget(Double.POSITIVE_INFINITY, 9_000, Budget.UNLIMITED, Budget.UNLIMITED);
        ConfigurationSearch.Problem open = new ConfigurationSearch.Problem(1, 10_000, 100, 400, options, budget, 1,
                Set.of());
        assertEquals("better", ConfigurationSearch.solve(open).configuration().variantBySlot().get("conv1"));
        Set<Configuration> excluded = Set.of(new Configuration(java.util.Map.of("conv1", "better")));
        ConfigurationSearch.Plan plan = ConfigurationSearch.solve(with(open, excluded, Long.MAX_VALUE));
        assertEquals("worse", plan.configuration().variantBySlot().get("conv1"));
        assertTrue(plan.feasible());
    }
}
