package io.morphgate.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.morphgate.onnx.internal.NodeAttributes;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Counts multiply-accumulates and parameters of a model for ONE sample (batch 1), the figures the policy trades
 * against a budget. Shapes come from {@link ShapeInference}. Rules (those of the source article):
 * <ul>
 * <li>Conv: macs = outH*outW*outC*(inC/group)*kh*kw, which is also right for grouped and depthwise convs;
 * weights = weight tensor elements; biases = bias elements.</li>
 * <li>Gemm / MatMul: macs = M*K*N per sample (K*N for [1,K]x[K,N]); weights = B's elements if B is a constant (an
 * initializer or a Constant node's output), else 0; biases = C's elements if C is a constant.</li>
 * <li>BatchNormalization: macs = C*H*W (one multiply-add per element); batchNormParams = 2*C (scale and shift; the
 * running mean and variance are statistics, not parameters).</li>
 * <li>AveragePool: macs = kh*kw*output elements; GlobalAveragePool: macs = input elements (C*H*W).</li>
 * <li>MaxPool: comparisons = kh*kw*output elements, 0 macs.</li>
 * <li>Concat, Relu, Clip, Flatten, Identity, Softmax, Add, Mul: 0 macs, 0 params (element-wise work is negligible
 * next to the convolutions; constants they read, such as Clip's bounds, are not counted).</li>
 * <li>Constant: 0 macs, 0 params (its value counts only where a Gemm or MatMul reads it as weights).</li>
 * </ul>
 * Any other operator is refused by shape inference.
 */
public final class CostCounter {

    /** Totals for one sample; {@code params = weights + biases + batchNormParams}. */
    public record ModelCost(long macs, long weights, long biases, long batchNormParams, long params,
                            long comparisons, List<NodeCost> nodes) {
        public ModelCost {
            nodes = List.copyOf(nodes);
        }
    }

    /** One node's share; {@code params} is its weights + biases + batch-norm parameters. */
    public record NodeCost(String node, String opType, long macs, long params) {
    }

    private CostCounter() {
    }

    public static ModelCost count(ModelProto model) {
        try {
            return countExactly(model);
        } catch (ArithmeticException e) {
            throw new GraphException("costs of model " + model.getGraph().getName()
                    + " overflow a 64-bit integer (absurd shapes or attributes)", e);
        }
    }

    private static ModelCost countExactly(ModelProto model) {
        Map<String, long[]> shapes = ShapeInference.infer(model);
        Set<String> constants = new HashSet<>();
        for (TensorProto t : model.getGraph().getInitializerList()) {
            constants.add(t.getName());
        }
        for (NodeProto n : model.getGraph().getNodeList()) {
            if (n.getOpType().equals("Constant")) {
                constants.addAll(n.getOutputList());
            }
        }
        long macs = 0;
        long weights = 0;
        long biases = 0;
        long bn = 0;
        long comparisons = 0;
        List<NodeCost> nodes = new ArrayList<>();
        for (NodeProto n : model.getGraph().getNodeList()) {
            long[] out = shapes.get(n.getOutput(0));
            long[] x = n.getInputCount() > 0 ? shapes.get(n.getInput(0)) : null; // a Constant has no input
            long nodeMacs = 0;
            long w = 0;
            long b = 0;
            long nodeBn = 0;
            switch (n.getOpType()) {
                case "Conv" -> {
                    long[] weight = shapes.get(n.getInput(1));
                    long kernel = elements(new long[] {weight[1], weight[2], weight[3]});
                    nodeMacs = Math.multiplyExact(perSample(out), kernel);
                    w = elements(weight);
                    b = n.getInputCount() > 2 && !n.getInput(2).isEmpty() ? elements(shapes.get(n.getInput(2))) : 0;
                }
                case "Gemm" -> {
                    boolean ta = NodeAttributes.getInt(n, "transA", 0) != 0;
                    long k = ta ? x[0] : x[1];
                    nodeMacs = Math.multiplyExact(perSample(out), k);
                    w = constants.contains(n.getInput(1)) ? elements(shapes.get(n.getInput(1))) : 0;
                    b = n.getInputCount() > 2 && constants.contains(n.getInput(2))
                            ? elements(shapes.get(n.getInput(2))) : 0;
                }
                case "MatMul" -> {
                    nodeMacs = Math.multiplyExact(perSample(out), x[x.length - 1]);
                    w = constants.contains(n.getInput(1)) ? elements(shapes.get(n.getInput(1))) : 0;
                }
                case "BatchNormalization" -> {
                    nodeMacs = perSample(out);
                    nodeBn = 2 * x[1];
                }
                case "AveragePool" -> nodeMacs = Math.multiplyExact(perSample(out), kernelArea(n));
                case "GlobalAveragePool" -> nodeMacs = perSample(x);
                case "MaxPool" -> comparisons = Math.addExact(comparisons,
                        Math.multiplyExact(perSample(out), kernelArea(n)));
                default -> {
                    // element-wise and layout ops: free by the rules above
                }
            }
            macs = Math.addExact(macs, nodeMacs);
            weights = Math.addExact(weights, w);
            biases = Math.addExact(biases, b);
            bn = Math.addExact(bn, nodeBn);
            long nodeParams = Math.addExact(Math.addExact(w, b), nodeBn);
            nodes.add(new NodeCost(n.getName(), n.getOpType(), nodeMacs, nodeParams));
        }
        return new ModelCost(macs, weights, biases, bn, Math.addExact(Math.addExact(weights, biases), bn), comparisons,
                nodes);
    }

    /** Elements of one sample of an activation: dimension 0 is the batch and is left out. */
    private static long perSample(long[] shape) {
        long p = 1;
        for (int i = 1; i < shape.length; i++) {
            p = Math.multiplyExact(p, Math.max(shape[i], 1));
        }
        return p;
    }

    /** Elements of a parameter tensor (all dimensions are static). */
    private static long elements(long[] shape) {
        long p = 1;
        for (long d : shape) {
            p = Math.multiplyExact(p, d);
        }
        return p;
    }

    private static long kernelArea(NodeProto n) {
        long[] k = NodeAttributes.getInts(n, "kernel_shape", null);
        return Math.multiplyExact(k[0], k[1]);
    }
}
