package io.morphgate.operator.kit;

import java.util.function.IntFunction;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.onnx.GraphBuilder;

/**
 * The frame four of the five operators share (all but fire): the slot's input, the operator's convolutions, BN, the
 * slot's activation (ReLU, or none where the layer feeds e.g. a residual add) and, where the slot's default layer
 * ends with a 2x2 max-pool, that pool, so the block produces exactly the slot's output and ends as its layer does.
 * The operator supplies only its convolutions (which reproduce the slot's stride); the frame stays in one place.
 */
public final class SlotBlock {

    /** Epsilon of the block's batch norm (the Keras default is 1e-3; the backbone and PyTorch use 1e-5). */
    public static final float BN_EPSILON = 1e-5f;
    /** Name of the sub-graph's input tensor. */
    public static final String INPUT = "input";
    /** Name of the sub-graph's output tensor. */
    public static final String OUTPUT = "output";

    /** An operator's convolutions: adds them after {@code input} and returns the tensor that enters BN. */
    @FunctionalInterface
    public interface Convolutions {
        String add(GraphBuilder g, String input);
    }

    private SlotBlock() {
    }

    /**
     * True when a block of this frame whose convolutions keep height and width can fill the slot: the slot's
     * convolution has stride 1 and its output is what the frame's tail makes of that ({@link #consistent}).
     */
    public static boolean fits(SlotSpec slot) {
        return slot.stride() == 1 && consistent(slot);
    }

    /**
     * True when the slot's output is what its convolution output becomes after the frame's tail: the same, or halved
     * (rounded down) by its 2x2 pool. An operator whose convolutions reproduce the slot's stride can fill any such
     * slot.
     */
    public static boolean consistent(SlotSpec slot) {
        return slot.consistent();
    }

    /** The slot's activation after {@code x} (a ReLU, or nothing before e.g. a residual add). */
    public static String activation(GraphBuilder g, SlotSpec slot, String x) {
        return slot.activation() == SlotSpec.Activation.RELU ? g.relu(x) : x;
    }

    /** The frame's tail after the block's BN: the slot's activation, then its 2x2 max-pool if it has one. */
    public static String tail(GraphBuilder g, SlotSpec slot, String x) {
        String y = activation(g, slot, x);
        return slot.pooled() ? g.maxPool(y, 2, 2) : y;
    }

    /**
     * Builds the block: convolutions, BN (its parameters asked for after the convolutions, so a seeded stream draws
     * the convolutions first), the slot's activation, and its pool.
     *
     * @throws IllegalArgumentException when the slot is not {@linkplain #consistent consistent}
     */
    public static ModelProto build(String graphName, SlotSpec slot, Convolutions convolutions,
            IntFunction<BatchNormParameters> batchNorm) {
        if (!consistent(slot)) {
            throw new IllegalArgumentException("slot " + slot.name() + ": " + slot.input() + " -> " + slot.output()
                    + " is not what a stride-" + slot.stride() + " convolution" + (slot.pooled() ? " and a 2x2 pool"
                            : "") + " give");
        }
        GraphBuilder g = new GraphBuilder(graphName);
        String x = g.input(INPUT, slot.input().channels(), slot.input().height(), slot.input().width());
        x = convolutions.add(g, x);
        BatchNormParameters bn = batchNorm.apply(slot.output().channels());
        x = g.batchNorm(x, bn.scale(), bn.bias(), bn.mean(), bn.variance(), BN_EPSILON);
        x = tail(g, slot, x);
        return g.output(x, OUTPUT, slot.output().channels(), slot.output().height(), slot.output().width()).build();
    }
}
