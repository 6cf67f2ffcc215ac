package io.morphgate.operator.kit;

import java.util.function.IntFunction;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.onnx.GraphBuilder;

/**
 * The frame four of the five operators share (all but fire): the slot's input, the operator's convolutions, BN, ReLU,
 * and, where the slot's default layer ends with a 2x2 max-pool, that pool, so the block produces exactly the slot's
 * output shape. The operator supplies only its convolutions; the frame stays in one place.
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
     * True when a block of this frame can fill the slot: the slot keeps height and width, or halves them with its
     * 2x2 pool ({@link SlotSpec#downsamples()}). Any other change of size would need a stride the frame lacks.
     */
    public static boolean fits(SlotSpec slot) {
        boolean keepsSize = slot.input().height() == slot.output().height()
                && slot.input().width() == slot.output().width();
        return keepsSize || slot.downsamples();
    }

    /**
     * Builds the block: convolutions, BN (its parameters asked for after the convolutions, so a seeded stream draws
     * the convolutions first), ReLU, and the slot's pool.
     *
     * @throws IllegalArgumentException when the slot does not {@linkplain #fits fit} the frame
     */
    public static ModelProto build(String graphName, SlotSpec slot, Convolutions convolutions,
            IntFunction<BatchNormParameters> batchNorm) {
        if (!fits(slot)) {
            throw new IllegalArgumentException("slot " + slot.name() + " changes H and W other than by a 2x2 pool: "
                    + slot.input() + " -> " + slot.output());
        }
        GraphBuilder g = new GraphBuilder(graphName);
        String x = g.input(INPUT, slot.input().channels(), slot.input().height(), slot.input().width());
        x = convolutions.add(g, x);
        BatchNormParameters bn = batchNorm.apply(slot.output().channels());
        x = g.batchNorm(x, bn.scale(), bn.bias(), bn.mean(), bn.variance(), BN_EPSILON);
        x = g.relu(x);
        if (slot.downsamples()) {
            x = g.maxPool(x, 2, 2);
        }
        return g.output(x, OUTPUT, slot.output().channels(), slot.output().height(), slot.output().width()).build();
    }
}
