package io.morphgate.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.morphgate.onnx.internal.Shapes;
import io.morphgate.onnx.internal.TensorData;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds a float NCHW model (IR 8, opset 17, producer "morphgate") node by node. Each op method returns the name of
 * the tensor it produces, so graphs read like the Keras code they come from.
 *
 * <p>Naming: a node is called {@code <prefix>/<OpType>_<n>} with {@code n} a counter over the whole builder, and its
 * output tensor has the same name; its initializers are {@code <node>/W}, {@code <node>/B}, ... The prefix starts as
 * the graph name and is changed with {@link #withName(String)}, e.g. to the slot name, so an error points at
 * "conv2/Conv_3". {@link #rename(String, String)} gives a tensor an exact name, e.g. a slot boundary.
 *
 * <p>The builder does not validate the graph; pass the result to {@link GraphCheck#check(ModelProto)}.
 */
public final class GraphBuilder {
    public static final long IR_VERSION = 8;
    public static final long OPSET = 17;

    private final String graphName;
    private String prefix;
    private int counter;
    private final List<NodeProto.Builder> nodes = new ArrayList<>();
    private final List<TensorProto> initializers = new ArrayList<>();
    private final List<ValueInfoProto> inputs = new ArrayList<>();
    private final List<ValueInfoProto> outputs = new ArrayList<>();
    private final Set<String> tensorNames = new HashSet<>();

    public GraphBuilder(String graphName) {
        if (graphName == null || graphName.isEmpty()) {
            throw new IllegalArgumentException("graph name must not be empty");
        }
        this.graphName = graphName;
        this.prefix = graphName;
    }

    /** Prefix for the names of the nodes added from now on (e.g. a slot name). */
    public GraphBuilder withName(String nodeNamePrefix) {
        if (nodeNamePrefix == null || nodeNamePrefix.isEmpty()) {
            throw new IllegalArgumentException("node name prefix must not be empty");
        }
        this.prefix = nodeNamePrefix;
        return this;
    }

    /** A graph input of shape [N, C, H, W]. */
    public String input(String name, int channels, int height, int width) {
        claim(name);
        inputs.add(Shapes.floatValue(name, new long[] {-1, channels, height, width}));
        return name;
    }

    /** A graph input of shape [N, F]. */
    public String input(String name, int features) {
        claim(name);
        inputs.add(Shapes.floatValue(name, new long[] {-1, features}));
        return name;
    }

    /** Conv with explicit strides and pads; weight is [outChannels, inChannelsPerGroup, kernelH, kernelW]. */
    public String conv(String x, float[] weight, int outChannels, int inChannelsPerGroup, int kernelH, int kernelW,
                       float[] biasOrNull, int strideH, int strideW, int padTop, int padLeft, int padBottom,
                       int padRight, int group) {
        if (group < 1 || outChannels % group != 0) {
            throw new IllegalArgumentException("conv: " + outChannels + " output channels not divisible by group "
                    + group);
        }
        NodeProto.Builder n = node("Conv", x);
        n.addInput(initializer(n, "W", new long[] {outChannels, inChannelsPerGroup, kernelH, kernelW}, weight));
        if (biasOrNull != null) {
            n.addInput(initializer(n, "B", new long[] {outChannels}, biasOrNull));
        }
        n.addAttribute(ints("kernel_shape", kernelH, kernelW));
        n.addAttribute(ints("strides", strideH, strideW));
        n.addAttribute(ints("pads", padTop, padLeft, padBottom, padRight));
        n.addAttribute(ints("dilations", 1, 1));
        n.addAttribute(AttributeProto.newBuilder().setName("group").setType(AttributeProto.AttributeType.INT)
                .setI(group));
        return n.getOutput(0);
    }

    /** Conv with stride 1 and "same" padding ((k-1)/2 on each side; kernel sizes must be odd). */
    public String conv(String x, float[] weight, int outChannels, int inChannelsPerGroup, int kernelH, int kernelW,
                       float[] biasOrNull, int group) {
        if (kernelH % 2 == 0 || kernelW % 2 == 0) {
            throw new IllegalArgumentException("same padding needs odd kernel sizes, got " + kernelH + "x" + kernelW);
        }
        int ph = (kernelH - 1) / 2;
        int pw = (kernelW - 1) / 2;
        return conv(x, weight, outChannels, inChannelsPerGroup, kernelH, kernelW, biasOrNull, 1, 1, ph, pw, ph, pw,
                group);
    }

    /** Inference-mode batch normalization over channel axis 1. */
    public String batchNorm(String x, float[] scale, float[] bias, float[] mean, float[] variance, float epsilon) {
        int c = scale.length;
        if (bias.length != c || mean.length != c || variance.length != c) {
            throw new IllegalArgumentException("batchNorm: scale, bias, mean and variance must have the same length");
        }
        NodeProto.Builder n = node("BatchNormalization", x);
        n.addInput(initializer(n, "scale", new long[] {c}, scale));
        n.addInput(initializer(n, "bias", new long[] {c}, bias));
        n.addInput(initializer(n, "mean", new long[] {c}, mean));
        n.addInput(initializer(n, "var", new long[] {c}, variance));
        n.addAttribute(AttributeProto.newBuilder().setName("epsilon").setType(AttributeProto.AttributeType.FLOAT)
                .setF(epsilon));
        return n.getOutput(0);
    }

    public String relu(String x) {
        return node("Relu", x).getOutput(0);
    }

    /**
     * Clip with its bounds as inputs (opset 11 on): {@code min} and {@code max} name scalar tensors (a
     * {@link #constant} or an {@link #initializer}); null leaves that side unbounded.
     */
    public String clip(String x, String minOrNull, String maxOrNull) {
        for (String bound : new String[] {minOrNull, maxOrNull}) {
            if (bound != null && !tensorNames.contains(bound)) {
                throw new IllegalArgumentException("Clip: unknown bound tensor " + bound);
            }
        }
        NodeProto.Builder n = node("Clip", x);
        if (minOrNull != null || maxOrNull != null) {
            n.addInput(minOrNull == null ? "" : minOrNull);
        }
        if (maxOrNull != null) {
            n.addInput(maxOrNull);
        }
        return n.getOutput(0);
    }

    /** A Constant node whose value is a FLOAT tensor of these dims ({} for a scalar), as torch.onnx.export writes. */
    public String constant(long[] dims, float... values) {
        TensorProto value = TensorData.floatTensor("", dims, values); // refuses a count that does not fit the dims
        NodeProto.Builder n = node("Constant");
        n.addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
                .setT(value));
        return n.getOutput(0);
    }

    /** A FLOAT initializer of the graph that any node may read, named exactly {@code name}. */
    public String initializer(String name, long[] dims, float... values) {
        TensorProto value = TensorData.floatTensor(name, dims, values);
        claim(name);
        initializers.add(value);
        return name;
    }

    /** Square max pool without padding. */
    public String maxPool(String x, int kernel, int stride) {
        return pool("MaxPool", x, kernel, stride);
    }

    /** Square average pool without padding (count_include_pad = 0). */
    public String averagePool(String x, int kernel, int stride) {
        return pool("AveragePool", x, kernel, stride);
    }

    public String globalAveragePool(String x) {
        return node("GlobalAveragePool", x).getOutput(0);
    }

    /** Flatten with axis 1: [N, ...] to [N, prod(...)]. */
    public String flatten(String x) {
        NodeProto.Builder n = node("Flatten", x);
        n.addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(1));
        return n.getOutput(0);
    }

    /** Fully connected layer: weight stored [outFeatures, inFeatures] (PyTorch/Keras-transposed), transB = 1. */
    public String gemm(String x, float[] weight, int outFeatures, int inFeatures, float[] biasOrNull) {
        NodeProto.Builder n = node("Gemm", x);
        n.addInput(initializer(n, "W", new long[] {outFeatures, inFeatures}, weight));
        if (biasOrNull != null) {
            n.addInput(initializer(n, "B", new long[] {outFeatures}, biasOrNull));
        }
        n.addAttribute(AttributeProto.newBuilder().setName("transB").setType(AttributeProto.AttributeType.INT)
                .setI(1));
        return n.getOutput(0);
    }

    /** x [N, inFeatures] times weight [inFeatures, outFeatures]. */
    public String matMul(String x, float[] weight, int inFeatures, int outFeatures) {
        NodeProto.Builder n = node("MatMul", x);
        n.addInput(initializer(n, "W", new long[] {inFeatures, outFeatures}, weight));
        return n.getOutput(0);
    }

    public String add(String a, String b) {
        return node("Add", a, b).getOutput(0);
    }

    public String concat(int axis, String... xs) {
        if (xs.length == 0) {
            throw new IllegalArgumentException("concat needs at least one input");
        }
        NodeProto.Builder n = node("Concat", xs);
        n.addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT)
                .setI(axis));
        return n.getOutput(0);
    }

    /** Softmax over the last axis. */
    public String softmax(String x) {
        NodeProto.Builder n = node("Softmax", x);
        n.addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT)
                .setI(-1));
        return n.getOutput(0);
    }

    public String identity(String x) {
        return node("Identity", x).getOutput(0);
    }

    /**
     * Gives a node output an exact name (e.g. a slot boundary such as "s1_out"), rewriting the nodes added so far.
     * Graph inputs and initializers cannot be renamed. Returns {@code newName}.
     */
    public String rename(String tensor, String newName) {
        if (tensor.equals(newName)) {
            return newName;
        }
        NodeProto.Builder producer = producerOf(tensor);
        if (producer == null) {
            throw new IllegalArgumentException("no node produces tensor " + tensor);
        }
        claim(newName);
        tensorNames.remove(tensor);
        for (NodeProto.Builder n : nodes) {
            for (int i = 0; i < n.getInputCount(); i++) {
                if (n.getInput(i).equals(tensor)) {
                    n.setInput(i, newName);
                }
            }
            for (int i = 0; i < n.getOutputCount(); i++) {
                if (n.getOutput(i).equals(tensor)) {
                    n.setOutput(i, newName);
                }
            }
        }
        return newName;
    }

    /** Declares a graph output [N, C, H, W] named {@code outputName}; the tensor is renamed to it. */
    public GraphBuilder output(String tensor, String outputName, int channels, int height, int width) {
        outputs.add(Shapes.floatValue(outputTensor(tensor, outputName), new long[] {-1, channels, height, width}));
        return this;
    }

    /** Declares a graph output [N, F] named {@code outputName}; the tensor is renamed to it. */
    public GraphBuilder output(String tensor, String outputName, int features) {
        outputs.add(Shapes.floatValue(outputTensor(tensor, outputName), new long[] {-1, features}));
        return this;
    }

    public ModelProto build() {
        GraphProto.Builder g = GraphProto.newBuilder().setName(graphName)
                .addAllInput(inputs).addAllOutput(outputs).addAllInitializer(initializers);
        for (NodeProto.Builder n : nodes) {
            g.addNode(n.build());
        }
        return ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("morphgate")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(g)
                .build();
    }

    private String outputTensor(String tensor, String outputName) {
        if (producerOf(tensor) == null) {
            // A graph input (or initializer) cannot be renamed; copy it through an Identity node instead.
            tensor = identity(tensor);
        }
        return rename(tensor, outputName);
    }

    private String pool(String op, String x, int kernel, int stride) {
        NodeProto.Builder n = node(op, x);
        n.addAttribute(ints("kernel_shape", kernel, kernel));
        n.addAttribute(ints("strides", stride, stride));
        n.addAttribute(ints("pads", 0, 0, 0, 0));
        return n.getOutput(0);
    }

    private NodeProto.Builder node(String opType, String... inputs) {
        for (String in : inputs) {
            if (!tensorNames.contains(in)) {
                throw new IllegalArgumentException(opType + ": unknown input tensor " + in);
            }
        }
        String name = prefix + "/" + opType + "_" + counter++;
        claim(name);
        NodeProto.Builder n = NodeProto.newBuilder().setName(name).setOpType(opType).addOutput(name);
        for (String in : inputs) {
            n.addInput(in);
        }
        nodes.add(n);
        return n;
    }

    private String initializer(NodeProto.Builder node, String role, long[] dims, float[] data) {
        String name = node.getName() + "/" + role;
        claim(name);
        initializers.add(TensorData.floatTensor(name, dims, data));
        return name;
    }

    private NodeProto.Builder producerOf(String tensor) {
        for (NodeProto.Builder n : nodes) {
            if (n.getOutputList().contains(tensor)) {
                return n;
            }
        }
        return null;
    }

    private void claim(String name) {
        if (!tensorNames.add(name)) {
            throw new IllegalArgumentException("tensor name " + name + " is already used in graph " + graphName);
        }
    }

    private static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }
}
