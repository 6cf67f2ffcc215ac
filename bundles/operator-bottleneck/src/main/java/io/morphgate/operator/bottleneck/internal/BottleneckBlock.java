package io.morphgate.operator.bottleneck.internal;

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
 * The article's {@code Bottleneck_block} for one slot: a 1x1 convolution to {@code f1 = int(filters * beta)}
 * channels, a kxk convolution f1 -> f1 (k the slot's kernel size, 3 in the article), a 1x1 convolution back to the
 * slot's width, BN and ReLU; no biases, same padding. {@code filters} is the slot's output width (alpha = 1, as for
 * every single-slot variant). A slot whose default layer pools keeps its 2x2 max-pool.
 *
 * <p>Parameters are synthetic (fixed seed per slot and beta) until trained ones ship with the bundle.
 */
public final class BottleneckBlock {

    private static final System.Logger LOG = System.getLogger(BottleneckBlock.class.getName());

    private final long seed;

    public BottleneckBlock(long seed) {
        this.seed = seed;
    }

    /** Why the slot cannot take the bottleneck variant of this beta, for a person; empty when it can. */
    static Optional<String> whyNot(SlotSpec slot, double beta) {
        int filters = slot.output().channels();
        int f1 = scaledWidth(filters, beta);
        if (f1 < 1) {
            return Optional.of("beta " + beta + ": f1 = int(" + filters + " * " + beta + ") = " + f1);
        }
        if (!SlotBlock.consistent(slot) || slot.kernelSize() % 2 == 0) {
            return Optional.of(slot.input() + " -> " + slot.output() + " with kernel " + slot.kernelSize()
                    + " and stride " + slot.stride() + " is not a block padded k/2 with an optional 2x2 pool");
        }
        return Optional.empty();
    }

    /** The bottleneck width f1 for this slot and beta, or 0 (with the reason logged) when no variant fits. */
    static int width(SlotSpec slot, double beta) {
        Optional<String> why = whyNot(slot, beta);
        if (why.isPresent()) {
            LOG.log(Level.INFO, "no bottleneck variant for slot {0}: {1}", slot.name(), why.get());
            return 0;
        }
        return scaledWidth(slot.output().channels(), beta);
    }

    private static int scaledWidth(int filters, double beta) {
        return beta > 0 && beta <= 1 ? Width.scaled(filters, beta) : 0;
    }

    static String id(SlotSpec slot, double beta) {
        return "bottleneck-" + slot.name() + "-b" + beta;
    }

    static Map<String, String> hyperParameters(double beta, int kernelSize, int f1) {
        return Map.of("beta", String.valueOf(beta), "kernelSize", String.valueOf(kernelSize), "f1",
                String.valueOf(f1));
    }

    /** The variant for this slot and beta, or empty (with the reason logged) when it cannot be built. */
    public Optional<BlockVariant> variant(SlotSpec slot, double beta) {
        int f1 = width(slot, beta);
        if (f1 < 1) {
            return Optional.empty();
        }
        String id = id(slot, beta);
        SeededParameters p = SeededParameters.forVariant(seed, id);
        int in = slot.input().channels();
        int out = slot.output().channels();
        int k = slot.kernelSize();
        return Optional.of(BlockVariant.of(id, OperatorKind.BOTTLENECK, slot, hyperParameters(beta, k, f1),
                Provenance.SYNTHETIC, "fixed-seed parameters, seed " + seed,
                SlotBlock.build(id, slot, (g, x) -> convolutions(g, x, in, out, f1, k, slot.stride(), p.convWeights(f1, in, 1, 1),
                        p.convWeights(f1, f1, k, k), p.convWeights(out, f1, 1, 1)), p::batchNorm)));
    }

    /**
     * 1x1 in -> f1, kxk f1 -> f1 (padding k/2, the slot's stride), 1x1 f1 -> out; no biases. Returns the tensor that
     * enters BN.
     */
    static String convolutions(GraphBuilder g, String x, int in, int out, int f1, int k, int stride, float[] reduce,
            float[] core, float[] expand) {
        int p = k / 2;
        String r = g.conv(x, reduce, f1, in, 1, 1, null, 1);
        String c = g.conv(r, core, f1, f1, k, k, null, stride, stride, p, p, p, p, 1);
        return g.conv(c, expand, out, f1, 1, 1, null, 1);
    }
}
