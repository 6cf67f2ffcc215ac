package io.morphgate.backbone.internal;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.slot.SlotWeights;
import io.morphgate.api.slot.TensorShape;
import io.morphgate.onnx.GraphException;
import io.morphgate.onnx.Initializers;
import io.morphgate.onnx.LocatedSlots;
import io.morphgate.onnx.SlotBoundary;

/**
 * The slots of a model that lists none, found in its graph ({@link LocatedSlots}, shared with the cloud trainer): each
 * convolution the operators can reproduce, with what only it feeds (an unfolded batch norm, a ReLU, a 2x2 max-pool),
 * whose geometry passes {@link SlotSpec#consistent()}, and its trained parameters for the operators that derive their
 * variants from them. A folded batch norm (the conv's bias) becomes the identity
 * batch norm that adds that bias, so operators see one form. A candidate whose weight is not an initializer, or whose
 * shapes are unknown, is left out with the reason logged.
 */
final class DiscoveredSlots {

    private static final System.Logger LOG = System.getLogger(DiscoveredSlots.class.getName());
    /** Epsilon of the identity batch norm standing for a conv's own bias (variance 1 - eps: scale exactly 1). */
    private static final float IDENTITY_EPSILON = 1e-5f;

    /** A discovered slot: its spec, its boundary in the graph, and where its parameters are. */
    record Found(SlotSpec spec, SlotBoundary boundary, String weight, String bias, NodeProto batchNorm) {
    }

    private DiscoveredSlots() {
    }

    /** The slots of {@code model}, in graph order; {@code shapes} are its inferred tensor shapes. */
    static List<Found> find(ModelProto model, Map<String, long[]> shapes) {
        LocatedSlots.Location location = LocatedSlots.locate(model, shapes);
        location.skipped().forEach(s -> LOG.log(Level.DEBUG, "not a slot: {0}: {1}", s.name(), s.explanation()));
        location.excluded().forEach(e -> LOG.log(Level.INFO, "not a slot: {0}: {1}", e.name(), e.reason()));
        List<Found> found = new ArrayList<>();
        for (LocatedSlots.Located slot : location.located()) {
            TensorShape input = new TensorShape((int) slot.input()[1], (int) slot.input()[2], (int) slot.input()[3]);
            TensorShape output = new TensorShape((int) slot.output()[1], (int) slot.output()[2],
                    (int) slot.output()[3]);
            SlotSpec spec = new SlotSpec(slot.name(), found.size(), input, output, slot.kernel(), slot.described(),
                    slot.cost().params(), slot.cost().macs(), slot.stride(),
                    slot.layer().relu() ? SlotSpec.Activation.RELU : SlotSpec.Activation.NONE, slot.layer().pooled());
            if (!spec.consistent()) {
                LOG.log(Level.INFO, "not a slot: {0}: {1} -> {2} is not what its geometry gives", slot.name(), input,
                        output);
                continue;
            }
            found.add(new Found(spec, slot.boundary(), slot.weight(), slot.bias(), slot.layer().batchNormNode()));
        }
        return List.copyOf(found);
    }

    /** The trained parameters of a discovered slot, its bias or batch norm given as one batch norm. */
    static SlotWeights weights(ModelProto model, Found slot) {
        SlotSpec spec = slot.spec();
        int out = spec.output().channels();
        try {
            float[] kernel = Initializers.floats(model, slot.weight());
            float[] bias = slot.bias() == null ? new float[out] : Initializers.floats(model, slot.bias());
            NodeProto bn = slot.batchNorm();
            if (bn == null) {
                float[] ones = new float[out];
                float[] variance = new float[out];
                Arrays.fill(ones, 1f);
                Arrays.fill(variance, 1f - IDENTITY_EPSILON);
                return new SlotWeights(spec.name(), kernel, out, spec.input().channels(), spec.kernelSize(), ones,
                        bias, new float[out], variance, IDENTITY_EPSILON);
            }
            float[] mean = Initializers.floats(model, Initializers.throughIdentities(model, bn.getInput(3)));
            for (int c = 0; c < out; c++) {
                mean[c] -= bias[c]; // BN(conv + b) normalises conv by (mean - b)
            }
            return new SlotWeights(spec.name(), kernel, out, spec.input().channels(), spec.kernelSize(),
                    Initializers.floats(model, Initializers.throughIdentities(model, bn.getInput(1))),
                    Initializers.floats(model, Initializers.throughIdentities(model, bn.getInput(2))), mean,
                    Initializers.floats(model, Initializers.throughIdentities(model, bn.getInput(4))), epsilon(bn));
        } catch (GraphException e) {
            throw new IllegalStateException("slot " + spec.name() + ": " + e.getMessage(), e);
        }
    }

    private static float epsilon(NodeProto bn) {
        for (AttributeProto a : bn.getAttributeList()) {
            if (a.getName().equals("epsilon")) {
                return a.getF();
            }
        }
        return 1e-5f;
    }
}
