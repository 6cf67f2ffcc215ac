package io.morphgate.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
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
 * A DJL block that runs an ONNX graph: the graphs Morphgate composes and CNNs exported by {@code torch.onnx.export}
 * (the ops of {@link OnnxOps}), so training starts from, and writes back into, the very graph the gateway serves: no
 * second definition of the architecture to drift from it. The input's shape is the graph's, its batch size free.
 *
 * <p>Every float initializer becomes a {@link Parameter} with the initializer's name and value. Those the predicate
 * accepts are trainable; the others are frozen. A BatchNormalization node whose scale is trainable runs in training
 * mode when the block trains (batch statistics; its running mean and variance are updated with the node's momentum);
 * a frozen one always uses its running statistics.
 */
public final class OnnxGraphBlock extends AbstractBlock {

    private final ModelProto model;
    private final String inputName;
    private final String outputName;
    private final Set<String> trainable = new HashSet<>();
    /** INT64 initializers and Constant outputs (e.g. Reshape's shape, Clip's bounds): never parameters. */
    private final Map<String, NDArray> constants = new HashMap<>();

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
            if (t.getDataType() == TensorProto.DataType.INT64_VALUE) {
                constants.put(t.getName(), constant(t, manager));
            }
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
            OnnxOps.requireSupported(n);
            if (n.getOpType().equals("Constant")) {
                AttributeProto value = OnnxOps.attr(n, "value");
                if (value == null) {
                    throw OnnxOps.unsupported(n, "only a Constant with a tensor value");
                }
                constants.put(n.getOutput(0), constant(value.getT(), manager));
            }
            if (n.getOpType().equals("Reshape") && !constants.containsKey(n.getInput(1))) {
                throw OnnxOps.unsupported(n, "its shape " + n.getInput(1) + " is computed, not a constant");
            }
        }
    }

    /**
     * The shape of the graph's input for {@code batch} images (every dimension but the batch as the graph declares
     * it).
     *
     * @throws IllegalStateException when the graph leaves a dimension other than the batch unknown
     */
    public Shape inputShape(long batch) {
        var dims = model.getGraph().getInputList().stream().filter(i -> i.getName().equals(inputName)).findFirst()
                .orElseThrow().getType().getTensorType().getShape().getDimList();
        long[] shape = new long[dims.size()];
        shape[0] = batch;
        for (int i = 1; i < shape.length; i++) {
            shape[i] = dims.get(i).getDimValue();
            if (shape[i] <= 0) {
                throw new IllegalStateException("input " + inputName + " of graph " + model.getGraph().getName()
                        + " has no fixed size in dimension " + i);
            }
        }
        return new Shape(shape);
    }

    /** The graph's input tensor. */
    public String inputName() {
        return inputName;
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
        values.putAll(constants);
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
            values.put(n.getOutput(0), OnnxOps.apply(n, values, bnTraining));
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

    /** A FLOAT or INT64 tensor (raw little-endian bytes or typed values) as a constant array. */
    private static NDArray constant(TensorProto t, NDManager manager) {
        Shape shape = new Shape(t.getDimsList());
        ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        return switch (t.getDataType()) {
            case TensorProto.DataType.FLOAT_VALUE -> {
                float[] v = new float[(int) shape.size()];
                if (t.getRawData().isEmpty()) {
                    for (int i = 0; i < v.length; i++) {
                        v[i] = t.getFloatData(i);
                    }
                } else {
                    raw.asFloatBuffer().get(v);
                }
                yield manager.create(v, shape);
            }
            case TensorProto.DataType.INT64_VALUE -> {
                long[] v = new long[(int) shape.size()];
                if (t.getRawData().isEmpty()) {
                    for (int i = 0; i < v.length; i++) {
                        v[i] = t.getInt64Data(i);
                    }
                } else {
                    raw.asLongBuffer().get(v);
                }
                yield manager.create(v, shape);
            }
            default -> throw new IllegalArgumentException("constant " + t.getName() + ": data type "
                    + t.getDataType() + " not translated (only FLOAT and INT64)");
        };
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
}
