package io.morphgate.operator.multibranch.internal;

import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Optional;

import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.variant.OperatorKind;
import io.morphgate.api.variant.Provenance;
import io.morphgate.onnx.GraphBuilder;
import io.morphgate.operator.kit.BlockVariant;
import io.morphgate.operator.kit.SeededParameters;
import io.morphgate.operator.kit.SlotBlock;

/**
 * The article's {@code inception_block} for one slot: two parallel branches from the input, a 1xk convolution and a
 * kx1 convolution of {@code filters / 2} channels each (same padding, no bias), concatenated on the channel axis,
 * then BN and ReLU; a slot whose default layer pools keeps its 2x2 max-pool. {@code filters} is the slot's output
 * width (alpha = 1): the two halves must add up to it exactly, so a slot of odd width gets no variant.
 *
 * <p>Parameters are synthetic (fixed seed per slot and kernel size) until trained ones ship with the bundle.
 */
public final class MultiBranchBlock {

    private static final System.Logger LOG = System.getLogger(MultiBranchBlock.class.getName());

    private final long seed;

    public MultiBranchBlock(long seed) {
        this.seed = seed;
    }

    /**
     * Why the slot cannot take a multi-branch variant at all, for a person; empty when it can. The two branches of
     * half the width each must add up to the slot's width, and they reproduce only a stride-1 conv.
     */
    static Optional<String> whyNot(SlotSpec slot) {
        int filters = slot.output().channels();
        if (filters % 2 != 0) {
            return Optional.of("its output width " + filters + " is odd, and two branches of filters/2 = "
                    + filters / 2 + " channels concatenate to " + filters / 2 * 2 + ", not " + filters);
        }
        if (!SlotBlock.fits(slot)) {
            return Optional.of("its branches reproduce a stride-1 conv (with an optional 2x2 pool), not "
                    + slot.defaultLayer());
        }
        return Optional.empty();
    }

    /** Why the slot cannot take the multi-branch variant of kernel size k, for a person; empty when it can. */
    static Optional<String> whyNot(SlotSpec slot, int k) {
        if (k < 1 || k % 2 == 0) {
            return Optional.of("kernel size " + k + ": same padding needs an odd k");
        }
        return whyNot(slot);
    }

    /** True when the slot can take a multi-branch variant at all; logs why not otherwise. */
    static boolean fits(SlotSpec slot) {
        Optional<String> why = whyNot(slot);
        why.ifPresent(r -> LOG.log(Level.INFO, "no multi-branch variant for slot {0}: {1}", slot.name(), r));
        return why.isEmpty();
    }

    /** The variant for this slot and kernel size, or empty (with the reason logged). */
    public Optional<BlockVariant> variant(SlotSpec slot, int k) {
        Optional<String> why = whyNot(slot, k);
        if (why.isPresent()) {
            LOG.log(Level.INFO, "no multi-branch variant for slot {0}: {1}", slot.name(), why.get());
            return Optional.empty();
        }
        String id = "multibranch-" + slot.name() + "-k" + k;
        SeededParameters p = SeededParameters.forVariant(seed, id);
        int in = slot.input().channels();
        int half = slot.output().channels() / 2;
        return Optional.of(BlockVariant.of(id, OperatorKind.MULTI_BRANCH, slot,
                Map.of("kernelSize", String.valueOf(k), "branchFilters", String.valueOf(half)), Provenance.SYNTHETIC,
                "fixed-seed parameters, seed " + seed,
                SlotBlock.build(id, slot, (g, x) -> branches(g, x, in, half, k, p.convWeights(half, in, 1, k),
                        p.convWeights(half, in, k, 1)), p::batchNorm)));
    }

    /** 1xk and kx1 convolutions of {@code half} channels each, both reading {@code x}, concatenated on channels. */
    static String branches(GraphBuilder g, String x, int in, int half, int k, float[] horizontal, float[] vertical) {
        String a = g.conv(x, horizontal, half, in, 1, k, null, 1);
        String b = g.conv(x, vertical, half, in, k, 1, null, 1);
        return g.concat(1, a, b);
    }
}
