package io.morphgate.policy.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.morphgate.api.model.Configuration;

/**
 * When nothing fits the budget: the combination whose worst ratio of a figure to its limit is smallest, then the
 * smallest rank (drop, then swaps). It used to enumerate every combination, which is 12^17 for ResNet-18 and never
 * ends; a budget below what the device can do (a latency limit under load) is an ordinary event, so this is a branch
 * and bound too: a node's ratio can only grow by at least each later slot's smallest figure. It has its own node
 * limit; stopped, it returns the closest combination found ({@link #proven()} false).
 */
final class LeastViolatingSearch {

    private static final double TOLERANCE = 1e-12;

    private final SearchSpace space;
    private final Set<Configuration> excluded;
    private final long nodeLimit;
    private final int slots;
    private final int[] current;
    private final double[][] used;
    private final long[] rankSoFar;
    private final long[] minRankAfter;
    private final int[][] order;
    private final double[][] childRatio;
    private int[] best;
    private double bestRatio = Double.POSITIVE_INFINITY;
    private long bestRank = Long.MAX_VALUE;
    private double[] bestFigures;
    private long examined;
    private boolean stopped;
    private boolean found;

    LeastViolatingSearch(SearchSpace space, Set<Configuration> excluded, long nodeLimit) {
        this.space = space;
        this.excluded = excluded;
        this.nodeLimit = nodeLimit;
        this.slots = space.slots;
        current = new int[slots];
        used = new double[slots + 1][SearchSpace.FIGURES];
        rankSoFar = new long[slots + 1];
        minRankAfter = new long[slots + 1];
        order = new int[slots][];
        childRatio = new double[slots][];
        for (int s = slots - 1; s >= 0; s--) {
            minRankAfter[s] = minRankAfter[s + 1] + space.rank[s][0];
            order[s] = new int[space.options[s].length];
            childRatio[s] = new double[space.options[s].length];
        }
    }

    /**
     * The closest combination (option index per slot); every slot's first option if none was found (all excluded,
     * or the node limit came first).
     */
    int[] run() {
        branch(0);
        found = best != null;
        if (!found) {
            best = new int[slots];
            bestFigures = new double[SearchSpace.FIGURES];
            for (int s = 0; s < slots; s++) {
                for (int d = 0; d < SearchSpace.FIGURES; d++) {
                    bestFigures[d] += space.figure[d][s][0];
                }
            }
        }
        return best;
    }

    /** The sums of the figures of the combination returned (changes against the default configuration). */
    double[] figures() {
        return bestFigures.clone();
    }

    /** Whether {@link #run()} returned a combination it examined, not the fallback. */
    boolean found() {
        return found;
    }

    long examined() {
        return examined;
    }

    boolean proven() {
        return !stopped;
    }

    private void branch(int slot) {
        examined++;
        if (slot == slots) {
            offer();
            return;
        }
        int count = 0;
        for (int k = 0; k < space.options[slot].length; k++) {
            childRatio[slot][k] = ratio(slot, k);
            int at = count++;
            while (at > 0 && childRatio[slot][order[slot][at - 1]] > childRatio[slot][k]) {
                order[slot][at] = order[slot][at - 1];
                at--;
            }
            order[slot][at] = k;
        }
        for (int i = 0; i < count; i++) {
            int k = order[slot][i];
            double ratio = childRatio[slot][k];
            long rank = rankSoFar[slot] + space.rank[slot][k] + minRankAfter[slot + 1];
            if (ratio > bestRatio + TOLERANCE) {
                return; // sorted by ratio: the rest are no closer
            }
            if (ratio >= bestRatio - TOLERANCE && rank >= bestRank) {
                continue;
            }
            if (stopped || examined >= nodeLimit) {
                stopped = true;
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

    /** The smallest worst ratio any combination through option {@code k} of {@code slot} can reach. */
    private double ratio(int slot, int k) {
        double worst = 0;
        for (int d = 0; d < SearchSpace.FIGURES; d++) {
            double total = space.base[d] + used[slot][d] + space.figure[d][slot][k] + space.minAfter[d][slot + 1];
            worst = Math.max(worst, total / space.limit[d]);
        }
        return worst;
    }

    private void offer() {
        double ratio = 0;
        for (int d = 0; d < SearchSpace.FIGURES; d++) {
            ratio = Math.max(ratio, (space.base[d] + used[slots][d]) / space.limit[d]);
        }
        long rank = rankSoFar[slots];
        boolean closer = ratio < bestRatio - TOLERANCE || (ratio <= bestRatio + TOLERANCE && rank < bestRank);
        if (!closer || (!excluded.isEmpty() && excluded.contains(ConfigurationSearch.configurationOf(chosen())))) {
            return;
        }
        best = current.clone();
        bestRatio = ratio;
        bestRank = rank;
        bestFigures = used[slots].clone();
    }

    private List<SlotOption> chosen() {
        List<SlotOption> list = new ArrayList<>(slots);
        for (int s = 0; s < slots; s++) {
            list.add(space.options[s][current[s]]);
        }
        return list;
    }
}
