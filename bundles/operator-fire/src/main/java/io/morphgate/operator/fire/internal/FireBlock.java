package io.morphgate.operator.fire.internal;

import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Optional;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.variant.OperatorKind;
import io.morphgate.api.variant.Provenance;
import io.morphgate.onnx.GraphBuilder;
import io.morphgate.operator.kit.BlockVariant;
import io.morphgate.operator.kit.SeededParameters;
import io.morphgate.operator.kit.SlotBlock;
import io.morphgate.operator.kit.Width;

/**
 * The article's {@code fire_block} (SqueezeNet's fire module) for one slot: a 1x1 squeeze convolution to
 * {@code s = int(filters * ratio)} channels and ReLU, then in parallel a 1x1 and a 3x3 expand convolution of
 * {@code e = filters / 2} channels, each with its ReLU, concatenated to {@code 2e = filters} channels, then a 2x2
 * max-pool with stride 2. All convolutions have a bias; there is no BN. {@code filters} is the slot's output width
 * (alpha = 1).
 *
 * <p>The closing pool halves H and W, so the block only fits a slot whose default layer halves them too; and its
 * two expand halves only add up to an even width.
 *
 * <p>Parameters are synthetic (fixed seed per slot and ratio) until trained ones ship with the bundle.
 */
public final class FireBlock {

    private static final System.Logger LOG = System.getLogger(FireBlock.class.getName());
    private static final int EXPAND_KERNEL = 3;

    private final long seed;

    public FireBlock(long seed) {
        this.seed = seed;
    }

    /**
     * Why the slot cannot take a fire variant at all, for a person; empty when it can. Fire ends with a stride-2 pool
     * after stride-1 convolutions with ReLU, so it honours only a slot that does the same.
     */
    static Optional<String> whyNot(SlotSpec slot) {
        if (!slot.downsamples()) {
            return Optional.of("fire ends with a stride-2 max-pool, but the slot's default layer ("
                    + slot.defaultLayer() + ") maps " + slot.input() + " to " + slot.output() + " without halving H and W");
        }
        if (slot.stride() != 1 || slot.activation() != SlotSpec.Activation.RELU) {
            return Optional.of("fire reproduces a stride-1 conv with ReLU and pool, not " + slot.defaultLayer());
        }
        if (slot.output().channels() % 2 != 0) {
            return Optional.of("its output width " + slot.output().channels() + " is odd, and the two expand branches"
                    + " of e = filters/2 channels cannot add up to it");
        }
        return Optional.empty();
    }

    /** Why the slot cannot take the fire variant of this squeeze ratio, for a person; empty when it can. */
    static Optional<String> whyNot(SlotSpec slot, double ratio) {
        Optional<String> slotReason = whyNot(slot);
        if (slotReason.isPresent()) {
            return slotReason;
        }
        int filters = slot.output().channels();
        int s = squeeze(filters, ratio);
        return s < 1 ? Optional.of("squeeze ratio " + ratio + ": s = int(" + filters + " * " + ratio + ") = " + s)
                : Optional.empty();
    }

    /** True when the slot can take a fire variant at all; logs why not otherwise. */
    static boolean fits(SlotSpec slot) {
        Optional<String> why = whyNot(slot);
        why.ifPresent(r -> LOG.log(Level.INFO, "no fire variant for slot {0}: {1}", slot.name(), r));
        return why.isEmpty();
    }

    private static int squeeze(int filters, double ratio) {
        return ratio > 0 && ratio <= 1 ? Width.scaled(filters, ratio) : 0;
    }

    /** The variant for this slot and squeeze ratio, or empty (with the reason logged). */
    public Optional<BlockVariant> variant(SlotSpec slot, double ratio) {
        Optional<String> why = whyNot(slot, ratio);
        if (why.isPresent()) {
            LOG.log(Level.INFO, "no fire variant for slot {0}: {1}", slot.name(), why.get());
            return Optional.empty();
        }
        int filters = slot.output().channels();
        int s = squeeze(filters, ratio);
        int e = filters / 2;
        String id = "fire-" + slot.name() + "-s" + ratio;
        return Optional.of(BlockVariant.of(id, OperatorKind.FIRE, slot,
                Map.of("squeezeRatio", String.valueOf(ratio), "squeeze", String.valueOf(s), "expand",
                        String.valueOf(e)),
                Provenance.SYNTHETIC, "fixed-seed parameters, seed " + seed,
                build(id, slot, s, e, SeededParameters.forVariant(seed, id))));
    }

    private static ModelProto build(String id, SlotSpec slot, int s, int e, SeededParameters p) {
        int in = slot.input().channels();
        int k = EXPAND_KERNEL;
        GraphBuilder g = new GraphBuilder(id);
        String x = g.input(SlotBlock.INPUT, in, slot.input().height(), slot.input().width());
        String squeeze = g.relu(g.conv(x, p.convWeights(s, in, 1, 1), s, in, 1, 1, p.biases(s), 1));
        String expand1 = g.relu(g.conv(squeeze, p.convWeights(e, s, 1, 1), e, s, 1, 1, p.biases(e), 1));
        String expand3 = g.relu(g.conv(squeeze, p.convWeights(e, s, k, k), e, s, k, k, p.biases(e), 1));
        String y = g.maxPool(g.concat(1, expand1, expand3), 2, 2);
        return g.output(y, SlotBlock.OUTPUT, slot.output().channels(), slot.output().height(),
                slot.output().width()).build();
    }
}
