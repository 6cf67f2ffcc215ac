package io.morphgate.operator.lowrank.internal;

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
import io.morphgate.operator.kit.Width;

/**
 * The article's {@code svd_block} for one slot: a 1xk convolution to {@code f1 = int(filters * beta)} channels, a kx1
 * convolution back to the slot's width, BN and ReLU; no biases, same padding. In a slot whose default layer ends with
 * a 2x2 max-pool, the block keeps that pool so that it produces the slot's output shape.
 *
 * <p>Parameters are synthetic (fixed seed per slot and beta) until trained ones ship with the bundle.
 */
public final class LowRankBlock {

    private static final System.Logger LOG = System.getLogger(LowRankBlock.class.getName());

    private final int kernelSize;
    private final long seed;

    public LowRankBlock(int kernelSize, long seed) {
        if (kernelSize < 1 || kernelSize % 2 == 0) {
            throw new IllegalArgumentException("kernelSize must be odd and positive, got " + kernelSize);
        }
        this.kernelSize = kernelSize;
        this.seed = seed;
    }

    /** Why the slot cannot take the low-rank variant of this beta, for a person; empty when it can. */
    static Optional<String> whyNot(SlotSpec slot, double beta) {
        int filters = slot.output().channels();
        int rank = scaledRank(filters, beta);
        if (rank < 1) {
            return Optional.of("beta " + beta + ": rank int(" + filters + " * " + beta + ") = " + rank);
        }
        if (!SlotBlock.consistent(slot)) {
            return Optional.of(slot.input() + " -> " + slot.output() + " is not what its stride-" + slot.stride()
                    + " conv and pool give");
        }
        return Optional.empty();
    }

    /** The rank for this slot and beta, or 0 (with the reason logged) when no low-rank variant fits. */
    static int rank(SlotSpec slot, double beta) {
        Optional<String> why = whyNot(slot, beta);
        if (why.isPresent()) {
            LOG.log(Level.INFO, "no low-rank variant for slot {0}: {1}", slot.name(), why.get());
            return 0;
        }
        return scaledRank(slot.output().channels(), beta);
    }

    private static int scaledRank(int filters, double beta) {
        return beta > 0 && beta <= 1 ? Width.scaled(filters, beta) : 0;
    }

    /** The variant id for this slot and beta. */
    static String id(SlotSpec slot, double beta) {
        return "lowrank-" + slot.name() + "-b" + beta;
    }

    /** The variant for this slot and beta, or empty (with the reason logged) when it cannot be built. */
    public Optional<BlockVariant> variant(SlotSpec slot, double beta) {
        int rank = rank(slot, beta);
        if (rank < 1) {
            return Optional.empty();
        }
        String id = id(slot, beta);
        // the seed formula of the first release, so that its variants keep their weights
        SeededParameters params = new SeededParameters(seed * 31 + slot.index() * 1009L + rank);
        int in = slot.input().channels();
        int out = slot.output().channels();
        int k = kernelSize;
        return Optional.of(BlockVariant.of(id, OperatorKind.LOW_RANK, slot, hyperParameters(beta, rank),
                Provenance.SYNTHETIC, "fixed-seed parameters, seed " + seed,
                SlotBlock.build(id, slot, (g, x) -> convolutions(g, x, in, out, rank, k, slot.stride(),
                        params.convWeights(rank, in, 1, k), params.convWeights(out, rank, k, 1)), params::batchNorm)));
    }

    Map<String, String> hyperParameters(double beta, int rank) {
        return Map.of("beta", String.valueOf(beta), "kernelSize", String.valueOf(kernelSize), "rank",
                String.valueOf(rank));
    }

    /**
     * 1xk to {@code rank} channels then kx1 to {@code out}, padding k/2, no biases; a stride s is split the same way
     * (the 1xk conv strides along W, the kx1 along H), so the pair gives the shape of a kxk conv of stride s. Returns
     * the kx1 output.
     */
    static String convolutions(GraphBuilder g, String x, int in, int out, int rank, int k, int stride,
            float[] horizontal, float[] vertical) {
        int p = k / 2;
        String h = g.conv(x, horizontal, rank, in, 1, k, null, 1, stride, 0, p, 0, p, 1);
        return g.conv(h, vertical, out, rank, k, 1, null, stride, 1, p, 0, p, 0, 1);
    }
}
