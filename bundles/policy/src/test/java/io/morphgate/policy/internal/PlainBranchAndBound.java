package io.morphgate.policy.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.morphgate.api.budget.Budget;

/**
 * The search as it was at 418b6a9 (bounds: the sum of each slot's smallest figure per limit, the sum of the smallest
 * drops), with a node cap added so that the benchmark can show where it stops being usable. Kept only as the
 * benchmark's "before" column and as a second exact reference for problems brute force cannot enumerate. Its
 * fallback when nothing fits enumerated every combination; here that fallback only counts against the cap.
 */
final class PlainBranchAndBound {

    /** Best drop found, whether it fits, nodes visited, and whether the search finished under the cap. */
    record Result(double drop, boolean feasible, long examined, boolean finished) {
    }

    private final ConfigurationSearch.Problem problem;
    private final List<List<SlotOption>> options = new ArrayList<>();
    private final double[] minDropAfter;
    private final double[] minLatencyAfter;
    private final long[] minMacsAfter;
    private final long cap;
    private double bestDrop = Double.POSITIVE_INFINITY;
    private long examined;

    private PlainBranchAndBound(ConfigurationSearch.Problem problem, long cap) {
        this.problem = problem;
        this.cap = cap;
        for (List<SlotOption> slot : problem.optionsPerSlot()) {
            List<SlotOption> sorted = new ArrayList<>(slot);
            sorted.sort(Comparator.comparingDouble(SlotOption::accuracyDrop).thenComparingLong(SlotOption::macs));
            options.add(sorted);
        }
        int n = options.size();
        minDropAfter = new double[n + 1];
        minLatencyAfter = new double[n + 1];
        minMacsAfter = new long[n + 1];
        for (int i = n - 1; i >= 0; i--) {
            List<SlotOption> slot = options.get(i);
            minDropAfter[i] = minDropAfter[i + 1] + slot.stream().mapToDouble(SlotOption::accuracyDrop).min().orElseThrow();
            minLatencyAfter[i] = minLatencyAfter[i + 1]
                    + slot.stream().mapToDouble(SlotOption::latencyMillis).min().orElseThrow();
            minMacsAfter[i] = minMacsAfter[i + 1] + slot.stream().mapToLong(SlotOption::macs).min().orElseThrow();
        }
    }

    /** Params and memory limits are left out: the benchmark's problems set latency and MACs only. */
    static Result solve(ConfigurationSearch.Problem problem, long cap) {
        PlainBranchAndBound search = new PlainBranchAndBound(problem, cap);
        search.branch(0, 0, problem.baseLatencyMillis(), problem.baseMacs());
        boolean feasible = !Double.isInfinite(search.bestDrop);
        long combinations = 1;
        for (List<SlotOption> slot : search.options) {
            combinations = combinations > Long.MAX_VALUE / slot.size() ? Long.MAX_VALUE : combinations * slot.size();
        }
        long total = feasible ? search.examined : Math.max(search.examined, combinations);
        return new Result(search.bestDrop, feasible, Math.min(total, Math.max(cap, search.examined)),
                total <= cap);
    }

    private void branch(int slot, double drop, double latency, long macs) {
        if (++examined > cap) {
            return;
        }
        Budget budget = problem.budget();
        if ((latency + minLatencyAfter[slot]) * problem.latencyFactor() > budget.maxLatencyMillis()
                || macs + minMacsAfter[slot] > budget.maxMacs()
                || drop + minDropAfter[slot] > bestDrop + 1e-12) {
            return;
        }
        if (slot == options.size()) {
            bestDrop = Math.min(bestDrop, drop);
            return;
        }
        for (SlotOption option : options.get(slot)) {
            branch(slot + 1, drop + option.accuracyDrop(), latency + option.latencyMillis(), macs + option.macs());
        }
    }
}
