package io.morphgate.operator.depthwise.internal;

import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Optional;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.slot.TensorShape;
import io.morphgate.api.variant.OperatorKind;
import io.morphgate.api.variant.Provenance;
import io.morphgate.onnx.GraphBuilder;
import io.morphgate.operator.kit.BatchNormParameters;
import io.morphgate.operator.kit.BlockVariant;
import io.morphgate.operator.kit.SeededParameters;
import io.morphgate.operator.kit.SlotBlock;

/**
 * The article's {@code _depthwise_conv_block} for one slot: a kxk depthwise convolution (one group per input
 * channel, {@code depth_multiplier = m} filters each, so {@code in * m} channels, with bias), a 1x1 pointwise
 * convolution to the slot's width without bias, BN and ReLU; k is the slot's kernel size (3). Slots use same
 * padding; a slot whose default layer pools keeps its 2x2 max-pool.
 *
 * <p>Parameters are synthetic (fixed seed per slot and multiplier) until trained ones ship with the bundle.
 */
public final class DepthwiseBlock {

    private static final System.Logger LOG = System.getLogger(DepthwiseBlock.class.getName());

    private final long seed;

    public DepthwiseBlock(long seed) {
        this.seed = seed;
    }

    /** Why the slot cannot take the depthwise variant of multiplier m, for a person; empty when it can. */
    static Optional<String> whyNot(SlotSpec slot, int m) {
        if (m < 1) {
            return Optional.of("depth multiplier " + m + ": it must be at least 1");
        }
        if (!SlotBlock.consistent(slot) || slot.kernelSize() % 2 == 0) {
            return Optional.of(slot.input() + " -> " + slot.output() + " with kernel " + slot.kernelSize()
                    + " and stride " + slot.stride() + " is not a block padded k/2 with an optional 2x2 pool");
        }
        return Optional.empty();
    }

    /** True when a depthwise variant with multiplier m fits the slot; logs why not otherwise. */
    static boolean fits(SlotSpec slot, int m) {
        Optional<String> why = whyNot(slot, m);
        why.ifPresent(r -> LOG.log(Level.INFO, "no depthwise variant for slot {0}: {1}", slot.name(), r));
        return why.isEmpty();
    }

    static String id(SlotSpec slot, int m) {
        return "depthwise-" + slot.name() + "-m" + m;
    }

    static Map<String, String> hyperParameters(int m, int k) {
        return Map.of("depthMultiplier", String.valueOf(m), "kernelSize", String.valueOf(k));
    }

    /** The variant for this slot and depth multiplier, or empty (with the reason logged). */
    public Optional<BlockVariant> variant(SlotSpec slot, int m) {
        if (!fits(slot, m)) {
            return Optional.empty();
        }
        String id = id(slot, m);
        SeededParameters p = SeededParameters.forVariant(seed, id);
        int in = slot.input().channels();
        int out = slot.output().channels();
        int k = slot.kernelSize();
        return Optional.of(BlockVariant.of(id, OperatorKind.DEPTHWISE_SEPARABLE, slot, hyperParameters(m, k),
                Provenance.SYNTHETIC, "fixed-seed parameters, seed " + seed,
                SlotBlock.build(id, slot, (g, x) -> convolutions(g, x, in, out, m, k, k / 2, slot.stride(),
                        p.convWeights(in * m, 1, k, k), p.biases(in * m), p.convWeights(out, in * m, 1, 1)),
                        p::batchNorm)));
    }

    /**
     * The block on any shapes and padding, without a pool: the article's worked example is a valid-padded
     * 7x7x3 -> 5x5x128 block, which no slot is. Slots go through {@link #variant}, always same-padded.
     */
    static ModelProto block(String id, TensorShape input, TensorShape output, int m, int k, int pad,
            SeededParameters p) {
        int in = input.channels();
        int out = output.channels();
        GraphBuilder g = new GraphBuilder(id);
        String x = g.input(SlotBlock.INPUT, in, input.height(), input.width());
        x = convolutions(g, x, in, out, m, k, pad, 1, p.convWeights(in * m, 1, k, k), p.biases(in * m),
                p.convWeights(out, in * m, 1, 1));
        BatchNormParameters bn = p.batchNorm(out);
        x = g.relu(g.batchNorm(x, bn.scale(), bn.bias(), bn.mean(), bn.variance(), SlotBlock.BN_EPSILON));
        return g.output(x, SlotBlock.OUTPUT, out, output.height(), output.width()).build();
    }

    /**
     * Depthwise kxk (group = in, in*m filters, filter {@code i*m + j} reads input channel i, with bias, the slot's
     * stride, {@code pad} on every side), then pointwise 1x1 to {@code out} without bias. Returns the tensor that
     * enters BN.
     */
    static String convolutions(GraphBuilder g, String x, int in, int out, int m, int k, int pad, int stride,
            float[] depthwise, float[] depthwiseBias, float[] pointwise) {
        String d = g.conv(x, depthwise, in * m, 1, k, k, depthwiseBias, stride, stride, pad, pad, pad, pad, in);
        return g.conv(d, pointwise, out, in * m, 1, 1, null, 1);
    }
}
