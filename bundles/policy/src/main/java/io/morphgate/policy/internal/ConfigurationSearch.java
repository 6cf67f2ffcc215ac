package io.morphgate.policy.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.morphgate.api.budget.Budget;
import io.morphgate.api.model.Configuration;

/**
 * Choice of one option per slot: the combination with the smallest total accuracy drop (additive single-swap drops)
 * whose predicted figures fit the budget. Ties go to fewer swapped slots (so without a budget the full model serves
 * unless a variant is expected to beat it), then fewer MACs, then lower latency.
 *
 * <p>Depth-first branch and bound over the slots, exact when it finishes. A node's children are tried best bound
 * first, and a child is cut when its {@link CompletionBound} (the best completion that fits each limit on a grid)
 * cannot beat the best combination found; options that another option of their slot beats in every figure are never
 * tried ({@link SearchSpace}). A network's worth of slots with a dozen options each finishes in a few thousand nodes
 * (docs/benchmarks/policy-search.md); should a problem still be hard, the search stops after
 * {@link Problem#nodeLimit()} nodes with the best combination found and a lower bound on the optimum's drop (the
 * smallest bound of the branches it did not explore), so the plan says how far from optimal it may be.
 */
final class ConfigurationSearch {

    /**
     * Nodes a search visits at most: 20,000 nodes at 50 slots take about 20 ms on the shared 2-core test machine
     * (a node tries each option of its slot against the bounds); 17 slots needed at most a few hundred
     * (docs/benchmarks/policy-search.md).
     */
    static final long DEFAULT_NODE_LIMIT = 20_000;

    /** What the combinations are built from: the default configuration's figures and each slot's options. */
    record Problem(double baseLatencyMillis, long baseMacs, long baseParams, long baseWeightBytes,
            List<List<SlotOption>> optionsPerSlot, Budget budget, double latencyFactor, Set<Configuration> excluded,
            long nodeLimit) {

        Problem(double baseLatencyMillis, long baseMacs, long baseParams, long baseWeightBytes,
                List<List<SlotOption>> optionsPerSlot, Budget budget, double latencyFactor,
                Set<Configuration> excluded) {
            this(baseLatencyMillis, baseMacs, baseParams, baseWeightBytes, optionsPerSlot, budget, latencyFactor,
                    excluded, DEFAULT_NODE_LIMIT);
        }
    }

    /**
     * The chosen combination, its predicted figures, how many nodes the search visited, whether the choice is proven
     * best ({@code proven}: the search finished), and a lower bound on the drop of the best combination that fits
     * (the drop itself when proven; NaN when the search stopped before anything that fits was found).
     */
    record Plan(List<SlotOption> choice, double accuracyDrop, double predictedLatencyMillis, long macs, long params,
            long weightBytes, boolean feasible, long examined, boolean proven, double dropLowerBound) {

        Configuration configuration() {
            return ConfigurationSearch.configurationOf(choice);
        }

        /** How much more this plan may lose than the best one: 0 when proven, NaN when not known. */
        double gap() {
            return proven ? 0 : accuracyDrop - dropLowerBound;
        }
    }

    private final Problem problem;
    private final SearchSpace space;
    private final CompletionBound bound;
    private final int slots;
    /** Per depth: the option chosen, the figures and rank used so far, the children in the order tried. */
    private final int[] current;
    private final double[][] used;
    private final long[] rankSoFar;
    private final int[][] order;
    private final long[][] childRank;
    private final double[][] childMacs;
    private final double[][] childLatency;
    private final double[] scratch = new double[SearchSpace.FIGURES];
    private final double[] tie = new double[2];
    private int[] best;
    private long bestRank = CompletionBound.NONE;
    private double bestMacs;
    private double bestLatency;
    private long examined;
    private boolean stopped;
    /** The smallest rank bound of the branches left unexplored when the search stopped. */
    private long openRank = CompletionBound.NONE;

    private ConfigurationSearch(Problem problem) {
        this.problem = problem;
        this.space = new SearchSpace(problem);
        this.bound = new CompletionBound(space);
        this.slots = space.slots;
        current = new int[slots];
        used = new double[slots + 1][SearchSpace.FIGURES];
        rankSoFar = new long[slots + 1];
        order = new int[slots][];
        childRank = new long[slots][];
        childMacs = new double[slots][];
        childLatency = new double[slots][];
        for (int s = 0; s < slots; s++) {
            int m = space.options[s].length;
            order[s] = new int[m];
            childRank[s] = new long[m];
            childMacs[s] = new double[m];
            childLatency[s] = new double[m];
        }
    }

    /**
     * The best combination under the budget; when none fits, the combination that exceeds its limits least (the
     * largest ratio of a figure to its limit is smallest), marked not feasible.
     */
    static Plan solve(Problem problem) {
        ConfigurationSearch search = new ConfigurationSearch(problem);
        if (search.bound.bound(0, search.used[0], search.tie) != CompletionBound.NONE) {
            search.branch(0);
        }
        if (search.best != null) {
            double lowerBound = search.stopped ? search.space.dropOf(Math.min(search.openRank, search.bestRank))
                    : Double.NaN;
            return search.plan(search.best, true, !search.stopped, lowerBound, search.examined);
        }
        LeastViolatingSearch closest = new LeastViolatingSearch(search.space, problem.excluded(), problem.nodeLimit());
        int[] choice = closest.run();
        long examined = search.examined + closest.examined();
        if (search.stopped && closest.found() && search.space.fits(closest.figures())) {
            // the search stopped before it found what the closest combination shows: something fits
            return search.plan(choice, true, false, search.space.dropOf(search.openRank), examined);
        }
        // nothing fits (proven when the first search finished); closest.proven() tells whether this is the closest
        return search.plan(choice, false, !search.stopped && closest.proven(), Double.NaN, examined);
    }

    private void branch(int slot) {
        examined++;
        if (slot == slots) {
            offer();
            return;
        }
        int count = children(slot);
        for (int i = 0; i < count; i++) {
            int k = order[slot][i];
            if (!before(childRank[slot][k], childMacs[slot][k], childLatency[slot][k])) {
                return; // tried best first: no later child can beat the best found either
            }
            if (stopped || examined >= problem.nodeLimit()) {
                stopped = true;
                openRank = Math.min(openRank, childRank[slot][k]);
                return;
            }
            current[slot] = k;
            rankSoFar[slot + 1] = rankSoFar[slot] + space.rank[slot][k];
            for (int d = 0; d < SearchSpace.FIGURES; d++) {
                used[slot + 1][d] = used[slot][d] + space.figure[d][slot][k];
            }
            branch(slot + 1);
        }
    }

    /** The children of a node that could fit and beat the best found, sorted by their bound, best first. */
    private int children(int slot) {
        int count = 0;
        for (int k = 0; k < space.options[slot].length; k++) {
            for (int d = 0; d < SearchSpace.FIGURES; d++) {
                scratch[d] = used[slot][d] + space.figure[d][slot][k];
            }
            long rest = bound.bound(slot + 1, scratch, tie);
            if (rest == CompletionBound.NONE) {
                continue;
            }
            long r = rankSoFar[slot] + space.rank[slot][k] + rest;
            double m = scratch[SearchSpace.MACS] + tie[0];
            double l = scratch[SearchSpace.LATENCY] + tie[1];
            if (!before(r, m, l)) {
                continue;
            }
            childRank[slot][k] = r;
            childMacs[slot][k] = m;
            childLatency[slot][k] = l;
            int at = count++;
            while (at > 0 && precedes(slot, k, order[slot][at - 1])) {
                order[slot][at] = order[slot][at - 1];
                at--;
            }
            order[slot][at] = k;
        }
        return count;
    }

    private boolean precedes(int slot, int a, int b) {
        return less(childRank[slot][a], childMacs[slot][a], childLatency[slot][a], childRank[slot][b],
                childMacs[slot][b], childLatency[slot][b]);
    }

    /** Whether (rank, MACs, latency) comes strictly before the best combination found. */
    private boolean before(long r, double m, double l) {
        return best == null ? r != CompletionBound.NONE : less(r, m, l, bestRank, bestMacs, bestLatency);
    }

    private static boolean less(long r1, double m1, double l1, long r2, double m2, double l2) {
        return r1 < r2 || (r1 == r2 && (m1 < m2 || (m1 == m2 && l1 < l2)));
    }

    private void offer() {
        double[] sums = used[slots];
        long r = rankSoFar[slots];
        if (!space.fits(sums) || !before(r, sums[SearchSpace.MACS], sums[SearchSpace.LATENCY])) {
            return;
        }
        if (!problem.excluded().isEmpty() && problem.excluded().contains(configurationOf(chosen(current)))) {
            return;
        }
        best = current.clone();
        bestRank = r;
        bestMacs = sums[SearchSpace.MACS];
        bestLatency = sums[SearchSpace.LATENCY];
    }

    private List<SlotOption> chosen(int[] choice) {
        List<SlotOption> list = new ArrayList<>(slots);
        for (int s = 0; s < slots; s++) {
            list.add(space.options[s][choice[s]]);
        }
        return list;
    }

    private Plan plan(int[] choice, boolean feasible, boolean proven, double lowerBound, long examinedNodes) {
        List<SlotOption> options = chosen(choice);
        double drop = 0;
        double latency = problem.baseLatencyMillis();
        long macs = problem.baseMacs();
        long params = problem.baseParams();
        long bytes = problem.baseWeightBytes();
        for (SlotOption o : options) {
            drop += o.accuracyDrop();
            latency += o.latencyMillis();
            macs += o.macs();
            params += o.params();
            bytes += o.weightBytes();
        }
        double dropBound = !feasible ? Double.NaN : proven ? drop : Math.min(drop, lowerBound);
        return new Plan(List.copyOf(options), drop, latency * problem.latencyFactor(), macs, params, bytes, feasible,
                examinedNodes, proven, dropBound);
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
