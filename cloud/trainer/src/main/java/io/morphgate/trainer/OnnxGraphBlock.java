package io.morphgate.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import io.morphgate.onnx.Initializers;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A DJL block that runs an ONNX graph of the op set Morphgate's graphs use (Conv, BatchNormalization, Relu, MaxPool,
 * Concat, Flatten, Gemm with transB=1, Identity), so training starts from, and writes back into, the very graph the
 * gateway composes: no second definition of the architecture to drift from it.
 *
 * <p>Every float initializer becomes a {@link Parameter} with the initializer's name and value. Those the predicate
 * accepts are trainable; the others are frozen. A BatchNormalization node whose scale is trainable runs in training
 * mode when the block trains (batch statistics; its running mean and variance are updated with the node's momentum);
 * a frozen one always uses its running statistics.
 */
public final class OnnxGraphBlock extends AbstractBlock {

    private static final float DEFAULT_MOMENTUM = 0.9f;

    private final ModelProto model;
    private final String inputName;
    private final String outputName;
    private final Set<String> trainable = new HashSet<>();

    /**
     * Loads every float initializer of {@code model} into {@code manager}.
     *
     * @throws IllegalArgumentException when the graph uses an op or attribute this block does not translate
     */
    public OnnxGraphBlock(ModelProto model, NDManager manager, Predicate<String> isTrainable) {
        this.model = model;
        GraphProto g = model.getGraph();
        Set<String> initializerNames = new HashSet<>();
        for (TensorProto t : g.getInitializerList()) {
            initializerNames.add(t.getName());
            if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
                continue;
            }
            boolean train = isTrainable.test(t.getName()) && !isRunningStatistic(g, t.getName());
            NDArray value = manager.create(Initializers.floats(model, t.getName()), new Shape(t.getDimsList()));
            value.setRequiresGradient(train);
            addParameter(Parameter.builder().setName(t.getName()).setType(Parameter.Type.OTHER)
                    .optRequiresGrad(train).optArray(value).build());
            if (train) {
                trainable.add(t.getName());
            }
        }
        this.inputName = g.getInputList().stream().map(ValueInfoProto::getName)
                .filter(n -> !initializerNames.contains(n)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("graph " + g.getName() + " has no input"));
        this.outputName = g.getOutput(0).getName();
        for (NodeProto n : g.getNodeList()) {
            NodeOps.requireSupported(n);
        }
    }

    public ModelProto model() {
        return model;
    }

    /** The trainable parameters, in initializer order. */
    public List<Parameter> trainableParameters() {
        List<Parameter> out = new ArrayList<>();
        for (Parameter p : parameters.values()) {
            if (trainable.contains(p.getName())) {
                out.add(p);
            }
        }
        return out;
    }

    /** Number of trainable values. */
    public long trainableCount() {
        return trainableParameters().stream().mapToLong(p -> p.getArray().size()).sum();
    }

    /** The graph output for {@code input}. */
    public NDArray forward(NDArray input, boolean training) {
        return forward(input, training, List.of(outputName)).get(outputName);
    }

    /** The name of the graph's output, the tensor {@link #forward(NDArray, boolean)} returns. */
    public String outputName() {
        return outputName;
    }

    /**
     * The named tensors (graph input, any node output) for {@code input}; evaluation stops as soon as all are
     * known, so asking for an early tensor is cheap.
     */
    public Map<String, NDArray> forward(NDArray input, boolean training, Collection<String> wanted) {
        return forwardFrom(Map.of(inputName, input), training, wanted);
    }

    /**
     * The named tensors computed from {@code known} intermediate tensors (for example a slot's input, already
     * computed by another block with the same frozen prefix) instead of from the graph input: a node runs only when
     * all its inputs are known, so the part of the graph before {@code known} is not computed again.
     *
     * @throws IllegalArgumentException when a wanted tensor cannot be computed from {@code known}
     */
    public Map<String, NDArray> forwardFrom(Map<String, NDArray> known, boolean training, Collection<String> wanted) {
        Map<String, NDArray> values = new HashMap<>();
        for (Map.Entry<String, Parameter> p : parameters.entrySet()) {
            values.put(p.getKey(), p.getValue().getArray());
        }
        values.putAll(known);
        Set<String> missing = new HashSet<>(wanted);
        missing.removeAll(known.keySet());
        for (NodeProto n : model.getGraph().getNodeList()) {
            if (missing.isEmpty()) {
                break;
            }
            if (values.containsKey(n.getOutput(0)) || !n.getInputList().stream()
                    .allMatch(in -> in.isEmpty() || values.containsKey(in))) {
                continue;
            }
            boolean bnTraining = training && n.getOpType().equals("BatchNormalization")
                    && trainable.contains(n.getInput(1));
            values.put(n.getOutput(0), NodeOps.apply(n, values, bnTraining));
            missing.remove(n.getOutput(0));
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("graph " + model.getGraph().getName() + " cannot compute " + missing
                    + " from " + known.keySet());
        }
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (String name : wanted) {
            out.put(name, values.get(name));
        }
        return out;
    }

    /**
     * The model with every float initializer replaced by the block's current value (BN running statistics
     * included), stored as the original stored it (raw bytes or a float list).
     */
    public ModelProto writeBack() {
        GraphProto.Builder g = model.getGraph().toBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            TensorProto t = g.getInitializer(i);
            Parameter p = parameters.get(t.getName());
            if (p != null) {
                g.setInitializer(i, withValues(t, p.getArray().toFloatArray()));
            }
        }
        return model.toBuilder().setGraph(g).build();
    }

    /** The current values of one initializer. */
    public float[] values(String initializer) {
        Parameter p = parameters.get(initializer);
        if (p == null) {
            throw new IllegalArgumentException("no float initializer " + initializer);
        }
        return p.getArray().toFloatArray();
    }

    static TensorProto withValues(TensorProto t, float[] values) {
        TensorProto.Builder b = t.toBuilder();
        if (t.getRawData().isEmpty()) {
            b.clearFloatData();
            for (float v : values) {
                b.addFloatData(v);
            }
        } else {
            ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            buf.asFloatBuffer().put(values);
            b.setRawData(ByteString.copyFrom(buf.array()));
        }
        return b.build();
    }

    /** Running mean and variance are buffers, never trained by gradient. */
    private static boolean isRunningStatistic(GraphProto g, String name) {
        for (NodeProto n : g.getNodeList()) {
            if (n.getOpType().equals("BatchNormalization") && n.getInputCount() == 5
                    && (n.getInput(3).equals(name) || n.getInput(4).equals(name))) {
                return true;
            }
        }
        return false;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(forward(inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        List<Long> dims = new ArrayList<>();
        dims.add(inputShapes[0].get(0));
        var shape = model.getGraph().getOutput(0).getType().getTensorType().getShape();
        for (int i = 1; i < shape.getDimCount(); i++) {
            dims.add(shape.getDim(i).getDimValue());
        }
        return new Shape[] {new Shape(dims)};
    }

    /** The translation of single nodes. */
    static final class NodeOps {

        private NodeOps() {
        }

        static void requireSupported(NodeProto n) {
            switch (n.getOpType()) {
                case "Conv", "MaxPool" -> symmetricPads(n);
                case "Gemm" -> {
                    if (intAttr(n, "transB", 0) != 1 || intAttr(n, "transA", 0) != 0
                            || floatAttr(n, "alpha", 1f) != 1f || floatAttr(n, "beta", 1f) != 1f) {
                        throw unsupported(n, "only Gemm with transB=1, transA=0, alpha=beta=1");
                    }
                }
                case "Flatten" -> {
                    if (intAttr(n, "axis", 1) != 1) {
                        throw unsupported(n, "only Flatten with axis 1");
                    }
                }
                case "BatchNormalization", "Relu", "Concat", "Identity" -> {
                }
                default -> throw unsupported(n, "op not translated");
            }
            if (!stringAttr(n, "auto_pad", "NOTSET").equals("NOTSET")) {
                throw unsupported(n, "auto_pad");
            }
        }

        static NDArray apply(NodeProto n, Map<String, NDArray> v, boolean bnTraining) {
            NDArray x = v.get(n.getInput(0));
            return switch (n.getOpType()) {
                case "Conv" -> {
                    NDArray bias = n.getInputCount() > 2 && !n.getInput(2).isEmpty() ? v.get(n.getInput(2)) : null;
                    long[] pads = symmetricPads(n);
                    yield Conv2d.conv2d(x, v.get(n.getInput(1)), bias, new Shape(ints(n, "strides", 1, 1)),
                            new Shape(pads), new Shape(ints(n, "dilations", 1, 1)),
                            (int) intAttr(n, "group", 1)).singletonOrThrow();
                }
                case "BatchNormalization" -> BatchNorm.batchNorm(x, v.get(n.getInput(3)), v.get(n.getInput(4)),
                        v.get(n.getInput(1)), v.get(n.getInput(2)), 1, floatAttr(n, "momentum", DEFAULT_MOMENTUM),
                        floatAttr(n, "epsilon", 1e-5f), bnTraining).get(0);
                case "Relu" -> Activation.relu(x);
                case "MaxPool" -> Pool.maxPool2d(x, new Shape(ints(n, "kernel_shape")),
                        new Shape(ints(n, "strides", 1, 1)), new Shape(symmetricPads(n)),
                        intAttr(n, "ceil_mode", 0) == 1);
                case "Concat" -> {
                    NDList parts = new NDList();
                    for (String in : n.getInputList()) {
                        parts.add(v.get(in));
                    }
                    yield NDArrays.concat(parts, (int) intAttr(n, "axis", 1));
                }
                case "Flatten" -> x.reshape(x.getShape().get(0), -1);
                case "Gemm" -> Linear.linear(x, v.get(n.getInput(1)),
                        n.getInputCount() > 2 ? v.get(n.getInput(2)) : null).singletonOrThrow();
                case "Identity" -> x;
                default -> throw unsupported(n, "op not translated");
            };
        }

        /** ONNX pads are [top, left, bottom, right]; DJL pads each side of an axis alike. */
        private static long[] symmetricPads(NodeProto n) {
            long[] p = ints(n, "pads", 0, 0, 0, 0);
            if (p.length != 4 || p[0] != p[2] || p[1] != p[3]) {
                throw unsupported(n, "asymmetric pads " + java.util.Arrays.toString(p));
            }
            return new long[] {p[0], p[1]};
        }

        private static AttributeProto attr(NodeProto n, String name) {
            for (AttributeProto a : n.getAttributeList()) {
                if (a.getName().equals(name)) {
                    return a;
                }
            }
            return null;
        }

        private static long[] ints(NodeProto n, String name, long... fallback) {
            AttributeProto a = attr(n, name);
            if (a == null) {
                if (fallback.length == 0) {
                    throw unsupported(n, "attribute " + name + " missing");
                }
                return fallback;
            }
            return a.getIntsList().stream().mapToLong(Long::longValue).toArray();
        }

        private static long intAttr(NodeProto n, String name, long fallback) {
            AttributeProto a = attr(n, name);
            return a == null ? fallback : a.getI();
        }

        private static float floatAttr(NodeProto n, String name, float fallback) {
            AttributeProto a = attr(n, name);
            return a == null ? fallback : a.getF();
        }

        private static String stringAttr(NodeProto n, String name, String fallback) {
            AttributeProto a = attr(n, name);
            return a == null ? fallback : a.getS().toStringUtf8();
        }

        private static IllegalArgumentException unsupported(NodeProto n, String why) {
            return new IllegalArgumentException("node " + n.getName() + " (" + n.getOpType() + "): " + why);
        }
    }
}
