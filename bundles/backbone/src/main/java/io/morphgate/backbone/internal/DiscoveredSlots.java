package io.morphgate.backbone.internal;

import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.slot.SlotWeights;
import io.morphgate.api.slot.TensorShape;
import io.morphgate.onnx.CostCounter;
import io.morphgate.onnx.GraphComposer;
import io.morphgate.onnx.GraphException;
import io.morphgate.onnx.Initializers;
import io.morphgate.onnx.SlotBoundary;
import io.morphgate.onnx.SlotDiscovery;

/**
 * The slots of a model that lists none, found in its graph ({@link SlotDiscovery}): each convolution the operators can
 * reproduce, with what only it feeds (an unfolded batch norm, a ReLU, a 2x2 max-pool), and its trained parameters
 * for the operators that derive their variants from them. A folded batch norm (the conv's bias) becomes the identity
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
        SlotDiscovery.Discovery discovery = SlotDiscovery.discover(model);
        discovery.skipped().forEach(s -> LOG.log(Level.DEBUG, "not a slot: {0}: {1}", s.name(), s.explanation()));
        Map<String, Found> found = new LinkedHashMap<>();
        Set<String> initializers = new HashSet<>();
        model.getGraph().getInitializerList().forEach(t -> initializers.add(t.getName()));
        for (SlotDiscovery.Slot slot : discovery.slots()) {
            NodeProto conv = model.getGraph().getNodeList().stream()
                    .filter(n -> n.getOutputCount() > 0 && n.getOutput(0).equals(slot.outputTensor())).findFirst()
                    .orElseThrow();
            // torch.onnx.export may pass a parameter through Identity nodes (random weights: one zero bias shared)
            String weight = throughIdentities(model, conv.getInput(1));
            String bias = conv.getInputCount() > 2 && !conv.getInput(2).isEmpty()
                    ? throughIdentities(model, conv.getInput(2)) : null;
            if (!initializers.contains(weight) || (bias != null && !initializers.contains(bias))) {
                LOG.log(Level.INFO, "not a slot: {0}: its weight or bias is computed, not an initializer",
                        slot.name());
                continue;
            }
            SlotDiscovery.Layer layer = SlotDiscovery.layer(model, slot);
            if (layer.batchNormNode() != null && !layer.batchNormNode().getInputList().subList(1, 5).stream()
                    .map(t -> throughIdentities(model, t)).allMatch(initializers::contains)) {
                LOG.log(Level.INFO, "not a slot: {0}: its batch norm's parameters are computed", slot.name());
                continue;
            }
            long[] in = shapes.get(slot.inputTensor());
            long[] out = shapes.get(layer.outputTensor());
            if (in == null || out == null || in.length != 4 || out.length != 4) {
                LOG.log(Level.INFO, "not a slot: {0}: shapes unknown ({1} -> {2})", slot.name(),
                        Arrays.toString(in), Arrays.toString(out));
                continue;
            }
            String name = unique(slot.name(), found.keySet());
            SlotBoundary boundary = new SlotBoundary(name, slot.inputTensor(), layer.outputTensor());
            CostCounter.ModelCost cost = CostCounter.count(GraphComposer.extract(model, boundary));
            int k = (int) slot.kernel()[0];
            int stride = (int) slot.strides()[0];
            TensorShape input = new TensorShape((int) in[1], (int) in[2], (int) in[3]);
            TensorShape output = new TensorShape((int) out[1], (int) out[2], (int) out[3]);
            String described = "conv" + k + "x" + k + (stride > 1 ? "/" + stride : "") + "(" + input.channels()
                    + "->" + output.channels() + ")" + (layer.batchNormNode() != null ? "+BN" : bias != null
                            ? "+bias" : "") + (layer.relu() ? "+ReLU" : "") + (layer.pooled() ? "+maxpool2" : "");
            SlotSpec spec = new SlotSpec(name, found.size(), input, output, k, described, cost.params(), cost.macs(),
                    stride, layer.relu() ? SlotSpec.Activation.RELU : SlotSpec.Activation.NONE, layer.pooled());
            if (!spec.consistent()) {
                LOG.log(Level.INFO, "not a slot: {0}: {1} -> {2} is not what its geometry gives", name, input,
                        output);
                continue;
            }
            found.put(name, new Found(spec, boundary, weight, bias, layer.batchNormNode()));
        }
        return List.copyOf(found.values());
    }

    /** The tensor {@code name} is a copy of through a chain of Identity nodes (itself when none). */
    static String throughIdentities(ModelProto model, String name) {
        String tensor = name;
        for (int hops = 0; hops < 16; hops++) {
            String current = tensor;
            NodeProto producer = model.getGraph().getNodeList().stream()
                    .filter(n -> n.getOutputCount() > 0 && n.getOutput(0).equals(current)).findFirst().orElse(null);
            if (producer == null || !producer.getOpType().equals("Identity")) {
                return tensor;
            }
            tensor = producer.getInput(0);
        }
        return tensor;
    }

    private static String unique(String name, Set<String> taken) {
        String candidate = name;
        for (int i = 2; taken.contains(candidate); i++) {
            candidate = name + "-" + i;
        }
        return candidate;
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
            float[] mean = Initializers.floats(model, throughIdentities(model, bn.getInput(3)));
            for (int c = 0; c < out; c++) {
                mean[c] -= bias[c]; // BN(conv + b) normalises conv by (mean - b)
            }
            return new SlotWeights(spec.name(), kernel, out, spec.input().channels(), spec.kernelSize(),
                    Initializers.floats(model, throughIdentities(model, bn.getInput(1))),
                    Initializers.floats(model, throughIdentities(model, bn.getInput(2))), mean,
                    Initializers.floats(model, throughIdentities(model, bn.getInput(4))), epsilon(bn));
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
