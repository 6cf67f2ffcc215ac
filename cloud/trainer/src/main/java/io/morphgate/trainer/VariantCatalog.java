package io.morphgate.trainer;

import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.slot.SlotWeights;
import io.morphgate.operator.bottleneck.internal.BottleneckBlock;
import io.morphgate.operator.bottleneck.internal.BottleneckDerivation;
import io.morphgate.operator.depthwise.internal.DepthwiseBlock;
import io.morphgate.operator.depthwise.internal.DepthwiseDerivation;
import io.morphgate.operator.fire.internal.FireBlock;
import io.morphgate.operator.kit.BlockVariant;
import io.morphgate.operator.lowrank.internal.LowRankBlock;
import io.morphgate.operator.lowrank.internal.LowRankDerivation;
import io.morphgate.operator.multibranch.internal.MultiBranchBlock;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The trainable variants the five operators offer with their default configuration (the {@code *Configuration}
 * defaults of each operator bundle; derived variants are not trained here, they follow the backbone at load time).
 * Built by the operators' own block builders, so structure and initial values are theirs. Where the operator also
 * derives the same block from the slot's trained kernel (low-rank: SVD; bottleneck and depthwise: their closed-form
 * factorisations), the entry carries that derivation as a warm start: training then begins from the factorised
 * kernel with recalibrated BN instead of from random values.
 */
final class VariantCatalog {

    /**
     * A variant, the operator bundle it ships in ({@code bundles/operator-<operator>}) and, when the operator can
     * derive the same block from the slot's weights, that derivation (null otherwise).
     */
    record Entry(String operator, BlockVariant variant, WarmStart warmStart) {
        String id() {
            return variant.descriptor().id();
        }
    }

    /** The operator's data-free derivation of this entry's block, from the slot's weights and sample slot inputs. */
    @FunctionalInterface
    interface WarmStart {
        Optional<BlockVariant> derive(SlotSpec slot, SlotWeights weights, List<float[]> slotInputs);
    }

    static final long SEED = 42L;
    static final int LOW_RANK_KERNEL = 3;
    static final double[] LOW_RANK_BETAS = {0.5, 0.25};
    static final double[] BOTTLENECK_BETAS = {0.5, 0.25};
    static final int[] MULTI_BRANCH_KERNELS = {3};
    static final double[] FIRE_SQUEEZE_RATIOS = {0.125, 0.25};
    static final int[] DEPTH_MULTIPLIERS = {1, 2};

    private VariantCatalog() {
    }

    static List<Entry> all(List<SlotSpec> slots, String backboneId) {
        List<Entry> out = new ArrayList<>();
        LowRankDerivation lowRankDerivation = new LowRankDerivation(backboneId,
                java.util.Arrays.stream(LOW_RANK_BETAS).boxed().toList());
        BottleneckDerivation bottleneckDerivation = new BottleneckDerivation(backboneId);
        DepthwiseDerivation depthwiseDerivation = new DepthwiseDerivation(backboneId);
        LowRankBlock lowRank = new LowRankBlock(LOW_RANK_KERNEL, SEED);
        BottleneckBlock bottleneck = new BottleneckBlock(SEED);
        MultiBranchBlock multiBranch = new MultiBranchBlock(SEED);
        FireBlock fire = new FireBlock(SEED);
        DepthwiseBlock depthwise = new DepthwiseBlock(SEED);
        for (SlotSpec slot : slots) {
            for (double beta : LOW_RANK_BETAS) {
                add(out, "lowrank", lowRank.variant(slot, beta), (sl, w, x) -> lowRankDerivation.derive(sl, w, x, beta));
            }
            for (double beta : BOTTLENECK_BETAS) {
                add(out, "bottleneck", bottleneck.variant(slot, beta),
                        (sl, w, x) -> bottleneckDerivation.derive(sl, w, x, beta));
            }
            for (int k : MULTI_BRANCH_KERNELS) {
                add(out, "multibranch", multiBranch.variant(slot, k), null);
            }
            for (double ratio : FIRE_SQUEEZE_RATIOS) {
                add(out, "fire", fire.variant(slot, ratio), null);
            }
            for (int multiplier : DEPTH_MULTIPLIERS) {
                add(out, "depthwise", depthwise.variant(slot, multiplier),
                        (sl, w, x) -> depthwiseDerivation.derive(sl, w, x, multiplier));
            }
        }
        return out;
    }

    private static void add(List<Entry> out, String operator, Optional<BlockVariant> variant, WarmStart warmStart) {
        variant.ifPresent(v -> out.add(new Entry(operator, v, warmStart)));
    }
}
