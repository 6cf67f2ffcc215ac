package io.morphgate.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.morphgate.onnx.internal.NodeAttributes;
import io.morphgate.onnx.internal.TensorData;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the slots of an exported model in its graph (first version): every 2-D {@code Conv} with group 1, a kernel of
 * at least 3 in both dimensions, and an output that feeds exactly one node (or is the graph output) is a candidate
 * slot, named after its node (or its output tensor when the node is unnamed). Every other {@code Conv} is reported as
 * skipped with its reason, so a user sees why a layer will never be compressed.
 *
 * <p>Only the graph's structure is read (attributes, initializer dims, who reads which tensor); no shapes are inferred,
 * so this also works on graphs with operators {@link ShapeInference} does not know.
 */
public final class SlotDiscovery {

    /** What reads a slot's output: the slot's tail, which a replacement must keep (e.g. no ReLU before an Add). */
    public enum Tail { RELU, CLIP, BATCH_NORMALIZATION, MAX_POOL, ADD, OTHER, GRAPH_OUTPUT }

    /** Why a convolution is not a slot. */
    public enum SkipReason {
        NOT_2D("not a 2-D convolution"),
        DEPTHWISE("depthwise convolution"),
        GROUPED("grouped convolution"),
        POINTWISE("1x1 kernel"),
        NARROW_KERNEL("kernel smaller than 3 in one dimension"),
        UNSUPPORTED_GEOMETRY("geometry the operators cannot reproduce"),
        UNKNOWN_KERNEL("kernel size unknown (no kernel_shape and the weight is not an initializer)"),
        SHARED_OUTPUT("its output feeds more than one node"),
        UNUSED_OUTPUT("its output is read by nothing");

        private final String text;

        SkipReason(String text) {
            this.text = text;
        }

        /** The reason as a person reads it. */
        public String text() {
            return text;
        }
    }

    /**
     * A candidate slot: one convolution and what follows it.
     *
     * @param name        the slot name: the node name, or its output tensor when the node has none
     * @param node        the Conv node's name (may be empty)
     * @param inputTensor the tensor the conv reads
     * @param outputTensor the tensor it writes
     * @param inChannels  input channels from the weight initializer, -1 if the weight is computed
     * @param outChannels output channels from the weight initializer, -1 if the weight is computed
     * @param kernel      [kh, kw]
     * @param strides     [sh, sw]
     * @param pads        [top, left, bottom, right] as declared (zeros when absent)
     * @param dilations   [dh, dw]
     * @param autoPad     the auto_pad attribute (NOTSET when absent: the pads are explicit)
     * @param hasBias     whether the conv adds a bias (a folded batch norm shows up as one)
     * @param tail        what reads its output
     * @param tailNode    the node that reads its output (empty for {@link Tail#GRAPH_OUTPUT})
     * @param tailOpType  that node's operator type (empty for {@link Tail#GRAPH_OUTPUT})
     */
    public record Slot(String name, String node, String inputTensor, String outputTensor, long inChannels,
                       long outChannels, long[] kernel, long[] strides, long[] pads, long[] dilations, String autoPad,
                       boolean hasBias, Tail tail, String tailNode, String tailOpType) {
    }

    /** A convolution that is not a slot, and why ({@code detail} adds the numbers, e.g. "group 32"). */
    public record SkippedConv(String node, String outputTensor, SkipReason reason, String detail) {

        /** The node name, or its output tensor when unnamed. */
        public String name() {
            return node.isEmpty() ? outputTensor : node;
        }

        /** Reason and detail in one phrase. */
        public String explanation() {
            return detail.isEmpty() ? reason.text() : reason.text() + " (" + detail + ")";
        }
    }

    /** The slots in graph order and the convolutions skipped, in graph order. */
    public record Discovery(List<Slot> slots, List<SkippedConv> skipped) {
        public Discovery {
            slots = List.copyOf(slots);
            skipped = List.copyOf(skipped);
        }
    }

    /**
     * What a slot replaces: its convolution and, each taken only when it is the sole reader of what comes before, an
     * unfolded {@code BatchNormalization}, a {@code Relu} and a 2x2 {@code MaxPool} of stride 2 (in that order). Any
     * other activation ({@code Clip}) stays outside the slot, after it.
     *
     * @param outputTensor     the slot's output: the last tensor of the chain
     * @param batchNormNode    the unfolded batch norm's node (null when the conv has none, e.g. folded into it)
     * @param relu             whether the slot ends with a Relu (before its pool)
     * @param pooled           whether it ends with a 2x2 max-pool
     */
    public record Layer(String outputTensor, NodeProto batchNormNode, boolean relu, boolean pooled) {
    }

    private SlotDiscovery() {
    }

    /** The layer of {@code slot} in {@code model} (see {@link Layer}). */
    public static Layer layer(ModelProto model, Slot slot) {
        GraphProto g = model.getGraph();
        Map<String, List<NodeProto>> readers = readers(g);
        List<String> graphOutputs = g.getOutputList().stream().map(ValueInfoProto::getName).toList();
        String tensor = slot.outputTensor();
        NodeProto bn = null;
        boolean relu = false;
        boolean pooled = false;
        NodeProto next = soleReader(readers, graphOutputs, tensor);
        if (next != null && next.getOpType().equals("BatchNormalization")) {
            bn = next;
            tensor = next.getOutput(0);
            next = soleReader(readers, graphOutputs, tensor);
        }
        if (next != null && next.getOpType().equals("Relu")) {
            relu = true;
            tensor = next.getOutput(0);
            next = soleReader(readers, graphOutputs, tensor);
        }
        if (next != null && next.getOpType().equals("MaxPool") && isPool2x2(next)) {
            pooled = true;
            tensor = next.getOutput(0);
        }
        return new Layer(tensor, bn, relu, pooled);
    }

    /**
     * The slot name for a node named the way {@code torch.onnx.export} names them, after the module path: scopes
     * {@code /layer1/layer1.0/conv1/Conv} give {@code layer1.0.conv1}, {@code /features/features.3/Conv} gives
     * {@code features.3}. Other names are kept as they are.
     */
    static String moduleName(String nodeName) {
        if (!nodeName.startsWith("/") || !nodeName.endsWith("/Conv")) {
            return nodeName;
        }
        String[] scopes = nodeName.substring(1, nodeName.length() - "/Conv".length()).split("/");
        String path = "";
        for (String scope : scopes) {
            if (scope.isEmpty()) {
                continue;
            }
            // each scope repeats the path of its parent ("layer1" then "layer1.0"), or adds an attribute name
            path = path.isEmpty() || scope.startsWith(path + ".") ? scope : path + "." + scope;
        }
        return path.isEmpty() ? nodeName : path;
    }

    /** The one node that reads {@code tensor}, or null when none, several, or the graph's output reads it. */
    private static NodeProto soleReader(Map<String, List<NodeProto>> readers, List<String> graphOutputs,
            String tensor) {
        List<NodeProto> r = readers.getOrDefault(tensor, List.of());
        return r.size() == 1 && !graphOutputs.contains(tensor) && r.get(0).getOutputCount() == 1 ? r.get(0) : null;
    }

    private static boolean isPool2x2(NodeProto pool) {
        long[] k = NodeAttributes.getInts(pool, "kernel_shape", null);
        long[] s = NodeAttributes.getInts(pool, "strides", 2, 1);
        long[] pads = NodeAttributes.getInts(pool, "pads", 4, 0);
        return k != null && Arrays.equals(k, new long[] {2, 2}) && Arrays.equals(s, new long[] {2, 2})
                && Arrays.equals(pads, new long[] {0, 0, 0, 0})
                && NodeAttributes.getInt(pool, "ceil_mode", 0) == 0
                && NodeAttributes.getString(pool, "auto_pad", "NOTSET").equals("NOTSET");
    }

    public static Discovery discover(ModelProto model) {
        GraphProto g = model.getGraph();
        Map<String, List<NodeProto>> readers = readers(g);
        Map<String, TensorProto> initializers = new HashMap<>();
        for (TensorProto t : g.getInitializerList()) {
            initializers.put(t.getName(), t);
        }
        List<String> graphOutputs = g.getOutputList().stream().map(ValueInfoProto::getName).toList();
        List<Slot> slots = new ArrayList<>();
        List<SkippedConv> skipped = new ArrayList<>();
        for (NodeProto n : g.getNodeList()) {
            if (!n.getOpType().equals("Conv") || !(n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx"))) {
                continue;
            }
            ConvNode conv = new ConvNode(n, initializers.get(n.getInputCount() > 1 ? n.getInput(1) : ""));
            String output = n.getOutput(0);
            List<NodeProto> readBy = readers.getOrDefault(output, List.of());
            int consumers = readBy.size() + (graphOutputs.contains(output) ? 1 : 0);
            SkippedConv skip = conv.skipReason(consumers);
            if (skip != null) {
                skipped.add(skip);
            } else {
                slots.add(conv.slot(readBy.isEmpty() ? null : readBy.get(0)));
            }
        }
        return new Discovery(slots, skipped);
    }

    /** The nodes that read each tensor, in graph order (a node reading a tensor twice counts once). */
    private static Map<String, List<NodeProto>> readers(GraphProto g) {
        Map<String, List<NodeProto>> readers = new HashMap<>();
        for (NodeProto n : g.getNodeList()) {
            n.getInputList().stream().filter(in -> !in.isEmpty()).distinct()
                    .forEach(in -> readers.computeIfAbsent(in, k -> new ArrayList<>()).add(n));
        }
        return readers;
    }

    /** One Conv node with its attributes read the ONNX way (defaults when absent). */
    private record ConvNode(NodeProto node, TensorProto weight) {

        long group() {
            return NodeAttributes.getInt(node, "group", 1);
        }

        long[] weightDims() {
            return weight == null ? null : TensorData.dims(weight);
        }

        /** [kh, kw] from kernel_shape, else from the weight's dims; null if neither says. */
        long[] kernel() {
            long[] k = NodeAttributes.getInts(node, "kernel_shape", null);
            if (k != null) {
                return k;
            }
            long[] w = weightDims();
            return w == null ? null : Arrays.copyOfRange(w, 2, w.length);
        }

        SkippedConv skipReason(int consumers) {
            long[] w = weightDims();
            long[] k = kernel();
            if ((w != null && w.length != 4) || (k != null && k.length != 2)) {
                return skip(SkipReason.NOT_2D, w != null ? (w.length - 2) + "-D weight" : k.length + "-D kernel");
            }
            long group = group();
            if (group != 1) {
                boolean depthwise = w != null && w[1] == 1;
                return skip(depthwise ? SkipReason.DEPTHWISE : SkipReason.GROUPED, "group " + group);
            }
            if (k == null) {
                return skip(SkipReason.UNKNOWN_KERNEL, "");
            }
            if (k[0] == 1 && k[1] == 1) {
                return skip(SkipReason.POINTWISE, "");
            }
            if (k[0] < 3 || k[1] < 3) {
                return skip(SkipReason.NARROW_KERNEL, k[0] + "x" + k[1]);
            }
            String geometry = unsupportedGeometry(k);
            if (geometry != null) {
                return skip(SkipReason.UNSUPPORTED_GEOMETRY, geometry);
            }
            if (consumers > 1) {
                return skip(SkipReason.SHARED_OUTPUT, consumers + " readers");
            }
            if (consumers == 0) {
                return skip(SkipReason.UNUSED_OUTPUT, "");
            }
            return null;
        }

        /**
         * Null when the operators can reproduce the conv's geometry: a square odd kernel, padding {@code k / 2} on
         * every side, equal strides, no dilation; else what is not.
         */
        String unsupportedGeometry(long[] k) {
            long[] strides = NodeAttributes.getInts(node, "strides", 2, 1);
            long[] pads = NodeAttributes.getInts(node, "pads", 4, 0);
            long[] dilations = NodeAttributes.getInts(node, "dilations", 2, 1);
            String autoPad = NodeAttributes.getString(node, "auto_pad", "NOTSET");
            if (k[0] != k[1] || k[0] % 2 == 0) {
                return "kernel " + k[0] + "x" + k[1] + ": only square odd kernels";
            }
            if (!autoPad.equals("NOTSET")) {
                return "auto_pad " + autoPad;
            }
            long half = k[0] / 2;
            if (!Arrays.equals(pads, new long[] {half, half, half, half})) {
                return "pads " + Arrays.toString(pads) + ": only " + half + " on every side";
            }
            if (strides[0] != strides[1]) {
                return "strides " + Arrays.toString(strides);
            }
            if (dilations[0] != 1 || dilations[1] != 1) {
                return "dilations " + Arrays.toString(dilations);
            }
            return null;
        }

        Slot slot(NodeProto tailNode) {
            long[] w = weightDims();
            String output = node.getOutput(0);
            Tail tail = tailNode == null ? Tail.GRAPH_OUTPUT : tailOf(tailNode.getOpType());
            return new Slot(node.getName().isEmpty() ? output : moduleName(node.getName()), node.getName(),
                    node.getInput(0),
                    output, w == null ? -1 : w[1] * group(), w == null ? -1 : w[0], kernel(),
                    NodeAttributes.getInts(node, "strides", 2, 1), NodeAttributes.getInts(node, "pads", 4, 0),
                    NodeAttributes.getInts(node, "dilations", 2, 1),
                    NodeAttributes.getString(node, "auto_pad", "NOTSET"),
                    node.getInputCount() > 2 && !node.getInput(2).isEmpty(), tail,
                    tailNode == null ? "" : tailNode.getName(), tailNode == null ? "" : tailNode.getOpType());
        }

        private SkippedConv skip(SkipReason reason, String detail) {
            return new SkippedConv(node.getName(), node.getOutput(0), reason, detail);
        }

        private static Tail tailOf(String opType) {
            return switch (opType) {
                case "Relu" -> Tail.RELU;
                case "Clip" -> Tail.CLIP;
                case "BatchNormalization" -> Tail.BATCH_NORMALIZATION;
                case "MaxPool" -> Tail.MAX_POOL;
                case "Add" -> Tail.ADD;
                default -> Tail.OTHER;
            };
        }
    }
}
