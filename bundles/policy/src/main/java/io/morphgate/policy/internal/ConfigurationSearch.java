package io.morphgate.policy.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.morphgate.api.budget.Budget;
import io.morphgate.api.model.Configuration;

/**
 * Exact choice of one option per slot: the combination with the smallest total accuracy drop (additive single-swap
 * drops) whose predicted figures fit the budget. Depth-first branch and bound over the slots: a branch is cut when even
 * the cheapest options left cannot fit a limit, or when even the best drops left cannot beat the best combination
 * found; every combination that is not cut is examined, so the answer is the optimum of the model. Ties go to fewer
 * swapped slots (so without a budget the full model serves unless a variant is expected to beat it), then fewer MACs,
 * then lower latency.
 */
final class ConfigurationSearch {

    /** What the combinations are built from: the default configuration's figures and each slot's options. */
    record Problem(double baseLatencyMillis, long baseMacs, long baseParams, long baseWeightBytes,
            List<List<SlotOption>> optionsPerSlot, Budget budget, double latencyFactor, Set<Configuration> excluded) {
    }

    /** The best combination, its predicted figures, and how many nodes the search visited. */
    record Plan(List<SlotOption> choice, double accuracyDrop, double predictedLatencyMillis, long macs, long params,
            long weightBytes, boolean feasible, long examined) {

        Configuration configuration() {
            return ConfigurationSearch.configurationOf(choice);
        }
    }

    private final Problem problem;
    private final List<List<SlotOption>> options;
    private final double[] minDropAfter;
    private final double[] minLatencyAfter;
    private final long[] minMacsAfter;
    private final long[] minParamsAfter;
    private final long[] minBytesAfter;
    private final SlotOption[] current;
    private SlotOption[] best;
    private double bestDrop = Double.POSITIVE_INFINITY;
    private int bestSwaps;
    private long bestMacs;
    private double bestLatency;
    private long examined;

    private ConfigurationSearch(Problem problem) {
        this.problem = problem;
        this.options = new ArrayList<>();
        for (List<SlotOption> slot : problem.optionsPerSlot()) {
            if (slot.isEmpty()) {
                throw new IllegalArgumentException("a slot without options");
            }
            List<SlotOption> sorted = new ArrayList<>(slot);
            sorted.sort(Comparator.comparingDouble(SlotOption::accuracyDrop).thenComparingLong(SlotOption::macs));
            options.add(sorted);
        }
        int n = options.size();
        minDropAfter = new double[n + 1];
        minLatencyAfter = new double[n + 1];
        minMacsAfter = new long[n + 1];
        minParamsAfter = new long[n + 1];
        minBytesAfter = new long[n + 1];
        for (int i = n - 1; i >= 0; i--) {
            List<SlotOption> slot = options.get(i);
            minDropAfter[i] = minDropAfter[i + 1] + slot.stream().mapToDouble(SlotOption::accuracyDrop).min().orElseThrow();
            minLatencyAfter[i] = minLatencyAfter[i + 1]
                    + slot.stream().mapToDouble(SlotOption::latencyMillis).min().orElseThrow();
            minMacsAfter[i] = minMacsAfter[i + 1] + slot.stream().mapToLong(SlotOption::macs).min().orElseThrow();
            minParamsAfter[i] = minParamsAfter[i + 1] + slot.stream().mapToLong(SlotOption::params).min().orElseThrow();
            minBytesAfter[i] = minBytesAfter[i + 1] + slot.stream().mapToLong(SlotOption::weightBytes).min().orElseThrow();
        }
        current = new SlotOption[n];
    }

    /**
     * The best combination under the budget; when none fits, the combination that exceeds its limits least (the
     * largest ratio of a figure to its limit is smallest), marked not feasible.
     */
    static Plan solve(Problem problem) {
        ConfigurationSearch search = new ConfigurationSearch(problem);
        search.branch(0, 0, 0, problem.baseLatencyMillis(), problem.baseMacs(), problem.baseParams(),
                problem.baseWeightBytes());
        if (search.best != null) {
            return search.plan(List.of(search.best), true);
        }
        return search.leastViolating();
    }

    private void branch(int slot, int swaps, double drop, double latency, long macs, long params, long bytes) {
        examined++;
        Budget budget = problem.budget();
        if ((latency + minLatencyAfter[slot]) * problem.latencyFactor() > budget.maxLatencyMillis()
                || macs + minMacsAfter[slot] > budget.maxMacs()
                || params + minParamsAfter[slot] > budget.maxParams()
                || bytes + minBytesAfter[slot] > budget.maxMemoryBytes()
                || drop + minDropAfter[slot] > bestDrop + 1e-12) {
            return;
        }
        if (slot == options.size()) {
            offer(swaps, drop, latency, macs);
            return;
        }
        for (SlotOption option : options.get(slot)) {
            current[slot] = option;
            branch(slot + 1, swaps + (option.isDefaultLayer() ? 0 : 1), drop + option.accuracyDrop(),
                    latency + option.latencyMillis(), macs + option.macs(), params + option.params(),
                    bytes + option.weightBytes());
        }
    }

    private void offer(int swaps, double drop, double latency, long macs) {
        boolean better = drop < bestDrop - 1e-12 || (drop <= bestDrop + 1e-12 && (swaps < bestSwaps
                || (swaps == bestSwaps && (macs < bestMacs || (macs == bestMacs && latency < bestLatency)))));
        if (better && !problem.excluded().contains(configurationOf(List.of(current)))) {
            best = current.clone();
            bestDrop = drop;
            bestSwaps = swaps;
            bestMacs = macs;
            bestLatency = latency;
        }
    }

    /** Every combination (the fallback when nothing fits is rare, so plain enumeration is enough). */
    private Plan leastViolating() {
        int n = options.size();
        int[] index = new int[n];
        SlotOption[] leastBad = null;
        double leastRatio = Double.POSITIVE_INFINITY;
        double leastDrop = Double.POSITIVE_INFINITY;
        while (true) {
            SlotOption[] choice = new SlotOption[n];
            for (int i = 0; i < n; i++) {
                choice[i] = options.get(i).get(index[i]);
            }
            examined++;
            Plan candidate = plan(List.of(choice), false);
            double ratio = worstRatio(candidate);
            if (!problem.excluded().contains(candidate.configuration())
                    && (ratio < leastRatio - 1e-12 || (ratio <= leastRatio + 1e-12 && candidate.accuracyDrop() < leastDrop))) {
                leastBad = choice;
                leastRatio = ratio;
                leastDrop = candidate.accuracyDrop();
            }
            int i = n - 1;
            while (i >= 0 && ++index[i] == options.get(i).size()) {
                index[i--] = 0;
            }
            if (i < 0) {
                break;
            }
        }
        if (leastBad == null) {
            leastBad = options.stream().map(o -> o.get(0)).toArray(SlotOption[]::new);
        }
        return plan(List.of(leastBad), false);
    }

    private double worstRatio(Plan plan) {
        Budget b = problem.budget();
        return Math.max(Math.max(plan.predictedLatencyMillis() / b.maxLatencyMillis(), plan.macs() / (double) b.maxMacs()),
                Math.max(plan.params() / (double) b.maxParams(), plan.weightBytes() / (double) b.maxMemoryBytes()));
    }

    private Plan plan(List<SlotOption> choice, boolean feasible) {
        double drop = 0;
        double latency = problem.baseLatencyMillis();
        long macs = problem.baseMacs();
        long params = problem.baseParams();
        long bytes = problem.baseWeightBytes();
        for (SlotOption o : choice) {
            drop += o.accuracyDrop();
            latency += o.latencyMillis();
            macs += o.macs();
            params += o.params();
            bytes += o.weightBytes();
        }
        return new Plan(choice, drop, latency * problem.latencyFactor(), macs, params, bytes, feasible, examined);
    }

    static Configuration configurationOf(List<SlotOption> choice) {
        Map<String, String> variants = new HashMap<>();
        for (SlotOption o : choice) {
            if (!o.isDefaultLayer()) {
                variants.put(o.slot(), o.variantId());
            }
        }
        return new Configuration(variants);
    }
}
