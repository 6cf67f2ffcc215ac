package io.morphgate.policy.internal;

/**
 * A lower bound on what the slots from a given one on add to the objective (rank, then MACs, then latency), given
 * what the slots before them used of each limit. The plain sum of each slot's best option ignores the limits, and
 * with a tight budget (or many variants whose estimated drop is 0) it cuts almost nothing: 12 options in 17 slots
 * did not finish in 2 million nodes (docs/benchmarks/policy-search.md).
 *
 * <p>So for each limited figure a dynamic programme over the slots finds the best completion on a grid of that
 * figure ({@link #GRID} steps at most over what the budget leaves at the root; no node has more left), each option's cost
 * rounded down: everything that fits the real limit fits the grid, so the grid's optimum is never worse than the
 * real one. With two or more limits, one more table bounds a surrogate figure, the sum of the figures each divided
 * by what the budget leaves of it: a completion that fits every limit fits their sum, and the sum sees the trade-off
 * between MACs and latency that each limit alone misses. The bound is the greatest over the tables. Building costs
 * slots x grid x options steps per table (a few milliseconds at 50 slots); a lookup is one array read per table.
 */
final class CompletionBound {

    /** Grid steps at most; 32 per slot below that (a small problem needs no fine grid, and builds faster). */
    static final int GRID = 1024;
    /** The rank of a completion that cannot fit. */
    static final long NONE = Long.MAX_VALUE;

    private final SearchSpace space;
    private final int grid;
    /** One per table: the weight of each figure in the figure the table is over. */
    private final double[][] weights;
    /** [table][slot]: the smallest weighted sum the slots from {@code slot} on add. */
    private final double[][] minAfter;
    private final double[] unit;
    /** [table][slot][grid step]: the best completion's rank, MACs and latency. */
    private final long[][][] rank;
    private final double[][][] macs;
    private final double[][][] latency;
    /** The best completion without limits, per slot. */
    private final long[] freeRank;
    private final double[] freeMacs;
    private final double[] freeLatency;

    CompletionBound(SearchSpace space) {
        this.space = space;
        this.grid = Math.min(GRID, 32 * Math.max(1, space.slots));
        weights = tables(space);
        int tables = weights.length;
        minAfter = new double[tables][];
        unit = new double[tables];
        rank = new long[tables][][];
        macs = new double[tables][][];
        latency = new double[tables][][];
        for (int t = 0; t < tables; t++) {
            tabulate(t);
        }
        int n = space.slots;
        freeRank = new long[n + 1];
        freeMacs = new double[n + 1];
        freeLatency = new double[n + 1];
        for (int s = n - 1; s >= 0; s--) {
            // options are sorted best first, so the first is each slot's best
            freeRank[s] = freeRank[s + 1] + space.rank[s][0];
            freeMacs[s] = freeMacs[s + 1] + space.figure[SearchSpace.MACS][s][0];
            freeLatency[s] = freeLatency[s + 1] + space.figure[SearchSpace.LATENCY][s][0];
        }
    }

    /** A table per limited figure, and a surrogate over all of them when there are two or more. */
    private static double[][] tables(SearchSpace space) {
        int limited = 0;
        for (boolean a : space.active) {
            limited += a ? 1 : 0;
        }
        double[][] w = new double[limited + (limited > 1 ? 1 : 0)][SearchSpace.FIGURES];
        for (int d = 0, t = 0; d < SearchSpace.FIGURES; d++) {
            if (space.active[d]) {
                w[t++][d] = 1;
                if (limited > 1) {
                    // a budget at or below the cheapest completion leaves no room: weight it like a tiny one
                    w[limited][d] = 1 / Math.max(rootLeft(space, d), 1e-9 * Math.abs(space.limit[d]) + 1e-12);
                }
            }
        }
        return w;
    }

    private static double rootLeft(SearchSpace space, int d) {
        return space.limit[d] - space.base[d] - space.minAfter[d][0];
    }

    /**
     * The bound for the slots from {@code slot} on, after the slots before it used {@code used} (per figure); its
     * MACs and latency go to {@code tie[0]} and {@code tie[1]}. {@link #NONE} when no completion can fit.
     */
    long bound(int slot, double[] used, double[] tie) {
        long bestRank = freeRank[slot];
        tie[0] = freeMacs[slot];
        tie[1] = freeLatency[slot];
        for (int t = 0; t < weights.length; t++) {
            double left = -minAfter[t][slot];
            double slack = 1e-12;
            for (int d = 0; d < SearchSpace.FIGURES; d++) {
                double w = weights[t][d];
                if (w != 0) {
                    left += w * (space.limit[d] - space.base[d] - used[d]);
                    // a little slack: a bound must never cut what the exact check at the leaves would accept
                    slack += w * 1e-9 * (Math.abs(space.limit[d]) + Math.abs(space.base[d]));
                }
            }
            if (left < -slack) {
                return NONE;
            }
            int step = (int) Math.min(grid, Math.floor((left + slack) / unit[t]));
            long r = rank[t][slot][step];
            if (r == NONE) {
                return NONE;
            }
            double m = macs[t][slot][step];
            double l = latency[t][slot][step];
            if (r > bestRank || (r == bestRank && (m > tie[0] || (m == tie[0] && l > tie[1])))) {
                bestRank = r;
                tie[0] = m;
                tie[1] = l;
            }
        }
        return bestRank;
    }

    private void tabulate(int t) {
        int n = space.slots;
        double[][] value = new double[n][];
        double[] floor = new double[n];
        minAfter[t] = new double[n + 1];
        double spread = 0;
        for (int s = n - 1; s >= 0; s--) {
            value[s] = new double[space.options[s].length];
            for (int k = 0; k < value[s].length; k++) {
                for (int d = 0; d < SearchSpace.FIGURES; d++) {
                    value[s][k] += weights[t][d] * space.figure[d][s][k];
                }
            }
            floor[s] = SearchSpace.min(value[s]);
            minAfter[t][s] = minAfter[t][s + 1] + floor[s];
            spread += SearchSpace.max(value[s]) - floor[s];
        }
        double rootLeft = -minAfter[t][0];
        for (int d = 0; d < SearchSpace.FIGURES; d++) {
            if (weights[t][d] != 0) { // an unlimited figure has weight 0, and 0 x infinity is NaN
                rootLeft += weights[t][d] * (space.limit[d] - space.base[d]);
            }
        }
        // the grid covers what is left at the root (no node has more), or every option's cost if that is less
        double range = Math.min(spread, Math.max(rootLeft, 0));
        unit[t] = range > 0 ? range / grid : 1;
        int[][] cost = new int[n][];
        for (int s = 0; s < n; s++) {
            cost[s] = new int[value[s].length];
            for (int k = 0; k < cost[s].length; k++) {
                cost[s][k] = (int) Math.min(grid + 1, Math.floor((value[s][k] - floor[s]) / unit[t]));
            }
        }
        rank[t] = new long[n + 1][grid + 1];
        macs[t] = new double[n + 1][grid + 1];
        latency[t] = new double[n + 1][grid + 1];
        for (int s = n - 1; s >= 0; s--) {
            fillSlot(t, s, cost[s]);
        }
    }

    /** Row {@code s}: for every grid step, the best option of slot {@code s} followed by the best of row s + 1. */
    private void fillSlot(int t, int s, int[] cost) {
        long[] nextRank = rank[t][s + 1];
        double[] nextMacs = macs[t][s + 1];
        double[] nextLatency = latency[t][s + 1];
        double[] optionMacs = space.figure[SearchSpace.MACS][s];
        double[] optionLatency = space.figure[SearchSpace.LATENCY][s];
        long[] optionRank = space.rank[s];
        for (int step = 0; step <= grid; step++) {
            long bestRank = NONE;
            double bestMacs = 0;
            double bestLatency = 0;
            for (int k = 0; k < cost.length; k++) {
                int rest = step - cost[k];
                if (rest < 0 || nextRank[rest] == NONE) {
                    continue;
                }
                long r = optionRank[k] + nextRank[rest];
                double m = optionMacs[k] + nextMacs[rest];
                double l = optionLatency[k] + nextLatency[rest];
                if (r < bestRank || (r == bestRank && (m < bestMacs || (m == bestMacs && l < bestLatency)))) {
                    bestRank = r;
                    bestMacs = m;
                    bestLatency = l;
                }
            }
            rank[t][s][step] = bestRank;
            macs[t][s][step] = bestMacs;
            latency[t][s][step] = bestLatency;
        }
    }
}
