package io.morphgate.trainer;

import io.morphgate.api.slot.SlotSpec;
import io.morphgate.operator.bottleneck.internal.BottleneckBlock;
import io.morphgate.operator.depthwise.internal.DepthwiseBlock;
import io.morphgate.operator.fire.internal.FireBlock;
import io.morphgate.operator.kit.BlockVariant;
import io.morphgate.operator.lowrank.internal.LowRankBlock;
import io.morphgate.operator.multibranch.internal.MultiBranchBlock;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The trainable variants the five operators offer with their default configuration (the {@code *Configuration}
 * defaults of each operator bundle; derived variants are not trained here, they follow the backbone at load time).
 * Built by the operators' own block builders, so structure and initial values are theirs.
 */
final class VariantCatalog {

    /** A variant and the operator bundle it ships in ({@code bundles/operator-<operator>}). */
    record Entry(String operator, BlockVariant variant) {
        String id() {
            return variant.descriptor().id();
        }
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

    static List<Entry> all(List<SlotSpec> slots) {
        List<Entry> out = new ArrayList<>();
        LowRankBlock lowRank = new LowRankBlock(LOW_RANK_KERNEL, SEED);
        BottleneckBlock bottleneck = new BottleneckBlock(SEED);
        MultiBranchBlock multiBranch = new MultiBranchBlock(SEED);
        FireBlock fire = new FireBlock(SEED);
        DepthwiseBlock depthwise = new DepthwiseBlock(SEED);
        for (SlotSpec slot : slots) {
            for (double beta : LOW_RANK_BETAS) {
                add(out, "lowrank", lowRank.variant(slot, beta));
            }
            for (double beta : BOTTLENECK_BETAS) {
                add(out, "bottleneck", bottleneck.variant(slot, beta));
            }
            for (int k : MULTI_BRANCH_KERNELS) {
                add(out, "multibranch", multiBranch.variant(slot, k));
            }
            for (double ratio : FIRE_SQUEEZE_RATIOS) {
                add(out, "fire", fire.variant(slot, ratio));
            }
            for (int multiplier : DEPTH_MULTIPLIERS) {
                add(out, "depthwise", depthwise.variant(slot, multiplier));
            }
        }
        return out;
    }

    private static void add(List<Entry> out, String operator, Optional<BlockVariant> variant) {
        variant.ifPresent(v -> out.add(new Entry(operator, v)));
    }
}
