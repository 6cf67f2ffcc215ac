package io.morphgate.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The slots of a model that lists none, located in its graph: the candidates of {@link SlotDiscovery} each with its
 * layer ({@link SlotDiscovery#layer}), its boundary, where its parameters are (initializers, read through
 * {@code Identity} nodes as {@code torch.onnx.export} writes them) and the shapes at both ends. The gateway's backbone
 * and the cloud trainer both find their slots here, so they find the same ones under the same names; each then checks
 * the slot's geometry with the slot spec's rule. A candidate whose weight, bias or batch norm parameters are computed,
 * or whose shapes are unknown, is excluded with its reason.
 */
public final class LocatedSlots {

    /**
     * A located slot.
     *
     * @param name      unique among the located slots: the discovered name, with "-2", "-3"... for repeats
     * @param slot      the discovered candidate
     * @param layer     what it replaces after its conv
     * @param boundary  from the conv's input to the layer's output
     * @param weight    the initializer holding the conv's kernel
     * @param bias      the initializer holding the conv's bias (a folded batch norm), null when it has none
     * @param input     the shape of the slot's input, [N, C, H, W]
     * @param output    the shape of the slot's output, [N, C, H, W]
     * @param described the default layer in a few words, e.g. {@code conv3x3/2(64->128)+bias+ReLU}
     * @param cost      parameters and MACs of the default layer
     */
    public record Located(String name, SlotDiscovery.Slot slot, SlotDiscovery.Layer layer, SlotBoundary boundary,
            String weight, String bias, long[] input, long[] output, String described, CostCounter.ModelCost cost) {

        /** The conv's (square) kernel size. */
        public int kernel() {
            return (int) slot.kernel()[0];
        }

        /** The conv's (equal) stride. */
        public int stride() {
            return (int) slot.strides()[0];
        }
    }

    /** A candidate left out, and why (as a log line reads it). */
    public record Excluded(String name, String reason) {
    }

    /** The located slots in graph order, the convolutions that are not slots, and the candidates excluded. */
    public record Location(List<Located> located, List<SlotDiscovery.SkippedConv> skipped, List<Excluded> excluded) {
        public Location {
            located = List.copyOf(located);
            skipped = List.copyOf(skipped);
            excluded = List.copyOf(excluded);
        }
    }

    private LocatedSlots() {
    }

    /** The slots of {@code model}; {@code shapes} are its tensor shapes ({@link ShapeInference#infer}). */
    public static Location locate(ModelProto model, Map<String, long[]> shapes) {
        SlotDiscovery.Discovery discovery = SlotDiscovery.discover(model);
        Set<String> initializers = new HashSet<>();
        model.getGraph().getInitializerList().forEach(t -> initializers.add(t.getName()));
        Map<String, Located> located = new LinkedHashMap<>();
        List<Excluded> excluded = new ArrayList<>();
        for (SlotDiscovery.Slot slot : discovery.slots()) {
            NodeProto conv = model.getGraph().getNodeList().stream()
                    .filter(n -> n.getOutputCount() > 0 && n.getOutput(0).equals(slot.outputTensor())).findFirst()
                    .orElseThrow();
            String weight = Initializers.throughIdentities(model, conv.getInput(1));
            String bias = conv.getInputCount() > 2 && !conv.getInput(2).isEmpty()
                    ? Initializers.throughIdentities(model, conv.getInput(2)) : null;
            if (!initializers.contains(weight) || (bias != null && !initializers.contains(bias))) {
                excluded.add(new Excluded(slot.name(), "its weight or bias is computed, not an initializer"));
                continue;
            }
            SlotDiscovery.Layer layer = SlotDiscovery.layer(model, slot);
            if (layer.batchNormNode() != null && !layer.batchNormNode().getInputList().subList(1, 5).stream()
                    .map(t -> Initializers.throughIdentities(model, t)).allMatch(initializers::contains)) {
                excluded.add(new Excluded(slot.name(), "its batch norm's parameters are computed"));
                continue;
            }
            long[] in = shapes.get(slot.inputTensor());
            long[] out = shapes.get(layer.outputTensor());
            if (in == null || out == null || in.length != 4 || out.length != 4) {
                excluded.add(new Excluded(slot.name(), "shapes unknown (" + Arrays.toString(in) + " -> "
                        + Arrays.toString(out) + ")"));
                continue;
            }
            String name = unique(slot.name(), located.keySet());
            SlotBoundary boundary = new SlotBoundary(name, slot.inputTensor(), layer.outputTensor());
            located.put(name, new Located(name, slot, layer, boundary, weight, bias, in, out,
                    described(slot, layer, bias != null, in[1], out[1]),
                    CostCounter.count(GraphComposer.extract(model, boundary))));
        }
        return new Location(new ArrayList<>(located.values()), discovery.skipped(), excluded);
    }

    private static String described(SlotDiscovery.Slot slot, SlotDiscovery.Layer layer, boolean bias, long in,
            long out) {
        long k = slot.kernel()[0];
        long stride = slot.strides()[0];
        return "conv" + k + "x" + k + (stride > 1 ? "/" + stride : "") + "(" + in + "->" + out + ")"
                + (layer.batchNormNode() != null ? "+BN" : bias ? "+bias" : "") + (layer.relu() ? "+ReLU" : "")
                + (layer.pooled() ? "+maxpool2" : "");
    }

    private static String unique(String name, Set<String> taken) {
        String candidate = name;
        for (int i = 2; taken.contains(candidate); i++) {
            candidate = name + "-" + i;
        }
        return candidate;
    }
}
