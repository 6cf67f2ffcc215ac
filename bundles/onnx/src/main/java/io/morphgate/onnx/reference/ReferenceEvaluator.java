package io.morphgate.onnx.reference;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.morphgate.onnx.GraphException;
import io.morphgate.onnx.ShapeInference;
import io.morphgate.onnx.internal.Opsets;
import io.morphgate.onnx.internal.Shapes;
import io.morphgate.onnx.internal.TensorData;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Runs a model in plain Java floats: the correctness oracle for composed graphs, independent of ONNX Runtime.
 *
 * <p>Evaluation is demand-driven from the graph output back, memoised per tensor. A {@link Substitution} keyed by a
 * tensor name computes that tensor by running another model on some earlier tensor instead of by its producing
 * node, so "backbone with slot X replaced by variant V" can be evaluated without splicing graphs, which gives an
 * oracle for the splicing itself.
 *
 * <p>Operators: Conv (groups, depthwise, strides, asymmetric pads), BatchNormalization (inference), Relu, Clip
 * (bounds as inputs from opset 11, as attributes before), Constant (a FLOAT value), MaxPool, AveragePool,
 * GlobalAveragePool, Concat, Flatten, Gemm, MatMul, Add, Mul (broadcasting), Softmax, Identity.
 * Accumulation is in double, results are stored as float.
 */
public final class ReferenceEvaluator {

    /** A dense float tensor in row-major (NCHW) order. Arrays are shared, not copied: treat them as read-only. */
    public record Tensor(long[] shape, float[] data) {
        public Tensor {
            Objects.requireNonNull(shape, "shape");
            Objects.requireNonNull(data, "data");
            if (count(shape) != data.length) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + count(shape)
                        + " values, got " + data.length);
            }
        }

        /** Element count of a shape. */
        public static long count(long[] shape) {
            long n = 1;
            for (long d : shape) {
                if (d < 0) {
                    throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
                }
                n *= d;
            }
            return n;
        }

        @Override
        public String toString() {
            return "Tensor" + Arrays.toString(shape);
        }
    }

    /** Compute a tensor by running {@code subGraph} on the value of {@code inputTensor} (a tensor of the outer model). */
    public record Substitution(String inputTensor, ModelProto subGraph) {
        public Substitution {
            Objects.requireNonNull(inputTensor, "inputTensor");
            Objects.requireNonNull(subGraph, "subGraph");
        }
    }

    /**
     * Longest chain of nodes evaluated: the evaluation recurses once per node along a path, and a hostile chain of
     * 100,000 nodes must end in a {@link GraphException}, not a StackOverflowError. Gateway models are ~50 deep.
     */
    public static final int MAX_DEPTH = 1_000;

    private ReferenceEvaluator() {
    }

    /** Runs a single-input, single-output model. */
    public static Tensor run(ModelProto model, Tensor input) {
        return run(model, input, Map.of());
    }

    /**
     * Runs a single-input, single-output model, computing each tensor named in {@code substitutions} by its
     * substitution instead of by its producing node.
     */
    public static Tensor run(ModelProto model, Tensor input, Map<String, Substitution> substitutions) {
        ShapeInference.infer(model); // refuses unsupported operators and inconsistent graphs with a clear message
        GraphProto g = model.getGraph();
        if (g.getOutputCount() != 1) {
            throw new GraphException("reference evaluator needs exactly one graph output, model has "
                    + g.getOutputCount());
        }
        Evaluation e = new Evaluation(model, substitutions);
        e.bindInput(input);
        return e.value(g.getOutput(0).getName());
    }

    /** The state of one run: producers, initializers and the memo of computed tensors. */
    private static final class Evaluation {
        private final ModelProto model;
        private final Map<String, Substitution> substitutions;
        private final Map<String, NodeProto> producers = new HashMap<>();
        private final Map<String, TensorProto> initializers = new HashMap<>();
        private final Map<String, Tensor> values = new HashMap<>();
        private final Set<String> inProgress = new HashSet<>();
        private final long opset;

        Evaluation(ModelProto model, Map<String, Substitution> substitutions) {
            this.model = model;
            this.opset = Opsets.defaultDomain(model);
            this.substitutions = substitutions;
            for (NodeProto n : model.getGraph().getNodeList()) {
                for (String out : n.getOutputList()) {
                    producers.put(out, n);
                }
            }
            for (TensorProto t : model.getGraph().getInitializerList()) {
                initializers.put(t.getName(), t);
            }
            for (String name : substitutions.keySet()) {
                if (!producers.containsKey(name)) {
                    throw new IllegalArgumentException("substitution for " + name
                            + ", which no node of the model produces");
                }
            }
        }

        void bindInput(Tensor input) {
            ValueInfoProto in = null;
            for (ValueInfoProto v : model.getGraph().getInputList()) {
                if (!initializers.containsKey(v.getName())) {
                    if (in != null) {
                        throw new GraphException("reference evaluator needs exactly one graph input");
                    }
                    in = v;
                }
            }
            if (in == null) {
                throw new GraphException("model has no graph input");
            }
            long[] declared = Shapes.declared(in);
            if (declared != null) {
                boolean ok = declared.length == input.shape().length;
                for (int i = 0; ok && i < declared.length; i++) {
                    ok = declared[i] < 0 || declared[i] == input.shape()[i];
                }
                if (!ok) {
                    throw new IllegalArgumentException("input " + in.getName() + " expects shape "
                            + Shapes.format(declared) + ", got " + Shapes.format(input.shape()));
                }
            }
            values.put(in.getName(), input);
        }

        Tensor value(String name) {
            Tensor v = values.get(name);
            if (v != null) {
                return v;
            }
            if (!inProgress.add(name)) {
                throw new GraphException("cycle through tensor " + name);
            }
            if (inProgress.size() > MAX_DEPTH) {
                throw new GraphException("tensor " + name + " is more than " + MAX_DEPTH
                        + " nodes deep; the reference evaluator recurses along the graph and stops there");
            }
            Substitution s = substitutions.get(name);
            if (s != null) {
                v = ReferenceEvaluator.run(s.subGraph(), value(s.inputTensor()));
            } else if (initializers.containsKey(name)) {
                TensorProto t = initializers.get(name);
                v = new Tensor(TensorData.dims(t), TensorData.floats(t));
            } else {
                NodeProto node = producers.get(name);
                if (node == null) {
                    throw new GraphException("tensor " + name + " is not defined");
                }
                Tensor[] in = new Tensor[node.getInputCount()];
                for (int i = 0; i < in.length; i++) {
                    in[i] = node.getInput(i).isEmpty() ? null : value(node.getInput(i));
                }
                v = NodeEvaluation.evaluate(node, in, opset);
            }
            inProgress.remove(name);
            values.put(name, v);
            return v;
        }
    }
}
