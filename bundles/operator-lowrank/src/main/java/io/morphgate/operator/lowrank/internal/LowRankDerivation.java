package io.morphgate.operator.lowrank.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.slot.SlotWeights;
import io.morphgate.api.variant.OperatorKind;
import io.morphgate.operator.kit.BlockVariant;
import io.morphgate.operator.kit.DerivedVariants;
import io.morphgate.operator.kit.derive.DerivedBlock;
import io.morphgate.operator.kit.derive.KernelFactorization;
import io.morphgate.operator.kit.derive.KernelFactorization.LowRankFactors;

/**
 * The data-free low-rank variant of a slot: its trained kxk kernel split by closed-form SVD into the 1xk and kx1
 * filters of the svd_block, so the variant starts from the slot's training instead of random weights. Same graph
 * and costs as the synthetic variant of the same beta; id {@code lowrank-<slot>-b<beta>-derived}.
 */
public final class LowRankDerivation implements DerivedVariants.Derivation<Double> {

    private final String backboneId;
    private final List<Double> betas;
    /**
     * The current slot's factors at the largest rank its betas need: the slots are derived one after the other, every
     * beta of a slot in turn, so one SVD per slot serves all its betas (truncated), and only one slot's are held.
     */
    private String factoredSlot;
    private LowRankFactors largest;

    /** {@code betas}: all the betas this derivation will be asked for (the SVD is done once per slot for them all). */
    public LowRankDerivation(String backboneId, List<Double> betas) {
        this.backboneId = backboneId;
        this.betas = List.copyOf(betas);
    }

    @Override
    public Optional<BlockVariant> derive(SlotSpec slot, SlotWeights weights, List<float[]> calibrationInputs,
            Double beta) {
        int rank = LowRankBlock.rank(slot, beta);
        if (rank < 1) {
            return Optional.empty();
        }
        LowRankFactors f = factors(slot, weights, rank);
        int in = weights.inChannels();
        int out = weights.outChannels();
        int k = weights.kernelSize();
        String id = LowRankBlock.id(slot, beta) + "-derived";
        DerivedBlock.Result result = DerivedBlock.build(id, slot, weights, calibrationInputs,
                (g, x) -> LowRankBlock.convolutions(g, x, in, out, rank, k, slot.stride(), f.horizontal(),
                        f.vertical()));
        Map<String, String> hyperParameters = Map.of("beta", String.valueOf(beta), "kernelSize", String.valueOf(k),
                "rank", String.valueOf(rank));
        return Optional.of(DerivedVariants.of(id, OperatorKind.LOW_RANK, slot, hyperParameters, "closed-form SVD",
                backboneId, f.relativeKernelError(), result));
    }

    private synchronized LowRankFactors factors(SlotSpec slot, SlotWeights weights, int rank) {
        if (!slot.name().equals(factoredSlot) || largest == null || largest.rank() < rank) {
            int most = rank;
            for (double beta : betas) {
                most = Math.max(most, LowRankBlock.rank(slot, beta));
            }
            largest = KernelFactorization.lowRank(weights, most);
            factoredSlot = slot.name();
        }
        return rank == largest.rank() ? largest : KernelFactorization.truncate(weights, largest, rank);
    }
}
