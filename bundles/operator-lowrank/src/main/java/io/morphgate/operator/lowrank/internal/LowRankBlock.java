package io.morphgate.operator.lowrank.internal;

import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.variant.OperatorKind;
import io.morphgate.api.variant.Provenance;
import io.morphgate.api.variant.VariantDescriptor;
import io.morphgate.onnx.CostCounter;
import io.morphgate.onnx.GraphBuilder;
import io.morphgate.onnx.CostCounter.ModelCost;
import io.morphgate.onnx.OnnxModelIO;

/**
 * The article's {@code svd_block} for one slot: a 1xk convolution to {@code f1 = int(filters * beta)} channels, a kx1
 * convolution back to the slot's width, BN and ReLU; no biases, same padding. In a slot whose default layer ends with
 * a 2x2 max-pool, the block keeps that pool so that it produces the slot's output shape.
 *
 * <p>Parameters are synthetic (fixed seed per slot and beta) until trained ones ship with the bundle.
 */
final class LowRankBlock {

    private static final System.Logger LOG = System.getLogger(LowRankBlock.class.getName());
    private static final float BN_EPSILON = 1e-5f;

    private final int kernelSize;
    private final long seed;

    LowRankBlock(int kernelSize, long seed) {
        if (kernelSize < 1 || kernelSize % 2 == 0) {
            throw new IllegalArgumentException("kernelSize must be odd and positive, got " + kernelSize);
        }
        this.kernelSize = kernelSize;
        this.seed = seed;
    }

    /** The variant for this slot and beta, or empty (with the reason logged) when it cannot be built. */
    Optional<LowRankVariant> variant(SlotSpec slot, double beta) {
        int filters = slot.output().channels();
        int rank = (int) (filters * beta);
        if (beta <= 0 || beta > 1 || rank < 1) {
            LOG.log(Level.INFO, "no low-rank variant for slot {0} with beta {1}: rank int({2} * {1}) = {3}",
                    slot.name(), beta, filters, rank);
            return Optional.empty();
        }
        boolean keepsSize = slot.input().height() == slot.output().height()
                && slot.input().width() == slot.output().width();
        if (!keepsSize && !slot.downsamples()) {
            LOG.log(Level.INFO, "no low-rank variant for slot {0}: it changes H and W in a way other than a 2x2 pool",
                    slot.name());
            return Optional.empty();
        }
        String id = "lowrank-" + slot.name() + "-b" + beta;
        ModelProto graph = build(id, slot, rank, new Random(seed * 31 + slot.index() * 1009L + rank));
        ModelCost cost = CostCounter.count(graph);
        VariantDescriptor descriptor = new VariantDescriptor(id, OperatorKind.LOW_RANK, slot.name(),
                Map.of("beta", String.valueOf(beta), "kernelSize", String.valueOf(kernelSize), "rank",
                        String.valueOf(rank)),
                cost.params(), cost.macs(), Provenance.SYNTHETIC, "fixed-seed parameters, seed " + seed,
                OptionalDouble.empty());
        return Optional.of(new LowRankVariant(descriptor, OnnxModelIO.write(graph)));
    }

    private ModelProto build(String id, SlotSpec slot, int rank, Random random) {
        int in = slot.input().channels();
        int out = slot.output().channels();
        int k = kernelSize;
        int pad = k / 2;
        GraphBuilder g = new GraphBuilder(id);
        String x = g.input("input", in, slot.input().height(), slot.input().width());
        x = g.conv(x, heNormal(random, rank * in * k, in * k), rank, in, 1, k, null, 1, 1, 0, pad, 0, pad, 1);
        x = g.conv(x, heNormal(random, out * rank * k, rank * k), out, rank, k, 1, null, 1, 1, pad, 0, pad, 0, 1);
        x = g.batchNorm(x, around(random, out, 1f, 0.1f), around(random, out, 0f, 0.1f),
                around(random, out, 0f, 0.1f), positive(random, out), BN_EPSILON);
        x = g.relu(x);
        if (slot.downsamples()) {
            x = g.maxPool(x, 2, 2);
        }
        return g.output(x, "output", out, slot.output().height(), slot.output().width()).build();
    }

    private static float[] heNormal(Random random, int count, int fanIn) {
        float std = (float) Math.sqrt(2.0 / fanIn);
        float[] w = new float[count];
        for (int i = 0; i < count; i++) {
            w[i] = (float) random.nextGaussian() * std;
        }
        return w;
    }

    private static float[] around(Random random, int count, float centre, float spread) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = centre + (float) random.nextGaussian() * spread;
        }
        return v;
    }

    private static float[] positive(Random random, int count) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = 0.5f + random.nextFloat();
        }
        return v;
    }
}
