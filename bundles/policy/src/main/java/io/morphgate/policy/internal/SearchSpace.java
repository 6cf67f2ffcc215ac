package io.morphgate.policy.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.morphgate.api.budget.Budget;
import io.morphgate.api.model.Configuration;

/**
 * The options of one search as arrays (the search visits millions of nodes; lists of records would dominate its
 * time), sorted by their order of preference, without the options that another option of the same slot beats or
 * equals in every figure: such an option can never be needed, since swapping it for its better makes no combination
 * worse. One exception keeps the search exact with excluded configurations: an option is only dropped for a better
 * one that no excluded configuration puts in that slot, so the combination it is swapped into cannot be excluded.
 *
 * <p>Figures are indexed {@link #LATENCY}, {@link #MACS}, {@link #PARAMS}, {@link #BYTES}; every figure is a change
 * against the default configuration. MACs, params and bytes are whole numbers far below 2^53, exact as doubles.
 * The order of preference is the {@code rank} (the drop in units of {@link #DROP_UNIT}, then swaps: ties go to fewer
 * swapped slots), then MACs, then latency.
 */
final class SearchSpace {

    static final int LATENCY = 0;
    static final int MACS = 1;
    static final int PARAMS = 2;
    static final int BYTES = 3;
    static final int FIGURES = 4;
    /** Drops closer than this are equal, and the tie rules decide between them. */
    static final double DROP_UNIT = 1e-12;

    final int slots;
    final SlotOption[][] options;
    /** Drop units times ({@code slots} + 1) plus one if the option swaps the slot: a sum orders by drop, then swaps. */
    final long[][] rank;
    /** [figure][slot][option] */
    final double[][][] figure;
    /** [figure][slot]: the smallest sum of the figure the slots from {@code slot} on can add. */
    final double[][] minAfter;
    /** Per figure: the default configuration's value, and the limit divided by the figure's scale. */
    final double[] base = new double[FIGURES];
    final double[] limit = new double[FIGURES];
    /** Per figure: whether its limit can be exceeded at all by some combination. */
    final boolean[] active = new boolean[FIGURES];
    /** Options removed because another one beats them. */
    final int dominated;
    private final double latencyFactor;
    private final double maxLatencyMillis;

    SearchSpace(ConfigurationSearch.Problem problem) {
        List<List<SlotOption>> perSlot = problem.optionsPerSlot();
        slots = perSlot.size();
        options = new SlotOption[slots][];
        rank = new long[slots][];
        figure = new double[FIGURES][slots][];
        int removed = 0;
        for (int s = 0; s < slots; s++) {
            if (perSlot.get(s).isEmpty()) {
                throw new IllegalArgumentException("a slot without options");
            }
            List<SlotOption> kept = undominated(perSlot.get(s), problem.excluded());
            removed += perSlot.get(s).size() - kept.size();
            options[s] = kept.toArray(SlotOption[]::new);
            rank[s] = kept.stream().mapToLong(this::rankOf).toArray();
            for (int d = 0; d < FIGURES; d++) {
                int figureIndex = d;
                figure[d][s] = kept.stream().mapToDouble(o -> valueOf(o, figureIndex)).toArray();
            }
        }
        dominated = removed;
        latencyFactor = problem.latencyFactor();
        maxLatencyMillis = problem.budget().maxLatencyMillis();
        minAfter = new double[FIGURES][slots + 1];
        double[] maxAfter = new double[FIGURES];
        for (int d = 0; d < FIGURES; d++) {
            for (int s = slots - 1; s >= 0; s--) {
                minAfter[d][s] = minAfter[d][s + 1] + min(figure[d][s]);
                maxAfter[d] += max(figure[d][s]);
            }
        }
        Budget b = problem.budget();
        setLimit(LATENCY, problem.baseLatencyMillis(), b.maxLatencyMillis() / problem.latencyFactor(), maxAfter);
        setLimit(MACS, problem.baseMacs(), b.maxMacs() == Budget.UNLIMITED ? Double.POSITIVE_INFINITY : b.maxMacs(),
                maxAfter);
        setLimit(PARAMS, problem.baseParams(),
                b.maxParams() == Budget.UNLIMITED ? Double.POSITIVE_INFINITY : b.maxParams(), maxAfter);
        setLimit(BYTES, problem.baseWeightBytes(),
                b.maxMemoryBytes() == Budget.UNLIMITED ? Double.POSITIVE_INFINITY : b.maxMemoryBytes(), maxAfter);
    }

    private void setLimit(int d, double baseValue, double limitValue, double[] maxAfter) {
        base[d] = baseValue;
        limit[d] = limitValue;
        active[d] = baseValue + maxAfter[d] > limitValue;
    }

    /** Whether {@code sums} (changes against the default configuration, per figure) fit every limit. */
    boolean fits(double[] sums) {
        // latency as the budget states it (the factor applied to the prediction), not divided: exact at the limit
        if ((base[LATENCY] + sums[LATENCY]) * latencyFactor > maxLatencyMillis) {
            return false;
        }
        for (int d = MACS; d < FIGURES; d++) {
            if (base[d] + sums[d] > limit[d]) {
                return false;
            }
        }
        return true;
    }

    long rankOf(SlotOption o) {
        long dropUnits = Math.round(o.accuracyDrop() / DROP_UNIT);
        return Math.addExact(Math.multiplyExact(dropUnits, slots + 1L), o.isDefaultLayer() ? 0 : 1);
    }

    /** The drop a rank stands for (the lower bound a stopped search reports). */
    double dropOf(long rankSum) {
        return Math.floorDiv(rankSum, slots + 1L) * DROP_UNIT;
    }

    private static double valueOf(SlotOption o, int figureIndex) {
        return switch (figureIndex) {
            case LATENCY -> o.latencyMillis();
            case MACS -> o.macs();
            case PARAMS -> o.params();
            default -> o.weightBytes();
        };
    }

    private List<SlotOption> undominated(List<SlotOption> slot, Set<Configuration> excluded) {
        List<SlotOption> sorted = new ArrayList<>(slot);
        Map<SlotOption, Long> ranks = new IdentityHashMap<>();
        sorted.forEach(o -> ranks.put(o, rankOf(o)));
        sorted.sort(Comparator.comparingLong((SlotOption o) -> ranks.get(o)).thenComparingLong(SlotOption::macs)
                .thenComparingDouble(SlotOption::latencyMillis).thenComparingLong(SlotOption::params)
                .thenComparingLong(SlotOption::weightBytes));
        List<SlotOption> kept = new ArrayList<>();
        List<SlotOption> witnesses = new ArrayList<>();
        for (SlotOption candidate : sorted) {
            long candidateRank = ranks.get(candidate);
            boolean beaten = false;
            for (SlotOption w : witnesses) {
                beaten |= ranks.get(w) <= candidateRank && beatsOrEquals(w, candidate);
            }
            if (!beaten) {
                kept.add(candidate);
                if (excluded.isEmpty() || neverExcluded(candidate, excluded)) {
                    witnesses.add(candidate);
                }
            }
        }
        return kept;
    }

    /** Every figure at most the other's (the rank is compared by the caller). */
    private static boolean beatsOrEquals(SlotOption a, SlotOption b) {
        return a.latencyMillis() <= b.latencyMillis() && a.macs() <= b.macs() && a.params() <= b.params()
                && a.weightBytes() <= b.weightBytes();
    }

    /** True when no excluded configuration fills the option's slot with it (null: the default layer). */
    private static boolean neverExcluded(SlotOption o, Set<Configuration> excluded) {
        return excluded.stream().noneMatch(c -> Objects.equals(c.variantBySlot().get(o.slot()), o.variantId()));
    }

    static double min(double[] values) {
        double m = Double.POSITIVE_INFINITY;
        for (double v : values) {
            m = Math.min(m, v);
        }
        return m;
    }

    static double max(double[] values) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            m = Math.max(m, v);
        }
        return m;
    }
}
