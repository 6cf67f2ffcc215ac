package io.morphgate.onnx.reference;

import ai.onnx.proto.OnnxMl.NodeProto;
import io.morphgate.onnx.GraphException;
import io.morphgate.onnx.internal.ConstantValue;
import io.morphgate.onnx.internal.NodeAttributes;
import io.morphgate.onnx.internal.Opsets;
import io.morphgate.onnx.reference.ReferenceEvaluator.Tensor;

import java.util.Arrays;
import java.util.List;

import static io.morphgate.onnx.internal.NodeAttributes.label;

/** Reads a node's attributes, checks what the kernels rely on, and calls the kernel. */
final class NodeEvaluation {
    private NodeEvaluation() {
    }

    static Tensor evaluate(NodeProto node, Tensor[] in, long opset) {
        return switch (node.getOpType()) {
            case "Conv" -> conv(node, in);
            case "BatchNormalization" -> Kernels.batchNorm(in[0], in[1], in[2], in[3], in[4],
                    NodeAttributes.getFloat(node, "epsilon", 1e-5f));
            case "Relu" -> Kernels.relu(in[0]);
            case "Clip" -> clip(node, in, opset);
            case "Constant" -> new Tensor(ConstantValue.shape(node), ConstantValue.floats(node));
            case "MaxPool", "AveragePool" -> pool(node, in[0]);
            case "GlobalAveragePool" -> Kernels.globalAveragePool(rank(node, in[0], 4));
            case "Concat" -> concat(node, in);
            case "Flatten" -> flatten(node, in[0]);
            case "Gemm" -> Kernels.gemm(rank(node, in[0], 2), rank(node, in[1], 2), in.length > 2 ? in[2] : null,
                    NodeAttributes.getFloat(node, "alpha", 1f), NodeAttributes.getFloat(node, "beta", 1f),
                    NodeAttributes.getInt(node, "transA", 0) != 0, NodeAttributes.getInt(node, "transB", 0) != 0);
            case "MatMul" -> Kernels.matMul(in[0], rank(node, in[1], 2));
            case "Add" -> binary(node, in, false);
            case "Mul" -> binary(node, in, true);
            case "Softmax" -> softmax(node, in[0], opset);
            case "Identity" -> Kernels.reshape(in[0], in[0].shape().clone());
            default -> throw new GraphException(label(node) + ": unsupported operator");
        };
    }

    private static Tensor conv(NodeProto node, Tensor[] in) {
        Tensor x = rank(node, in[0], 4);
        Tensor w = rank(node, in[1], 4);
        int group = (int) NodeAttributes.getInt(node, "group", 1);
        if (x.shape()[1] != w.shape()[1] * group) {
            throw new GraphException(label(node) + ": weight has " + w.shape()[1]
                    + " input channels per group but input has " + x.shape()[1] + " channels");
        }
        return Kernels.conv(x, w, in.length > 2 ? in[2] : null, group, ints(node, "strides", 2, 1),
                ints(node, "pads", 4, 0));
    }

    /** Bounds from the optional scalar inputs (opset 11+) or the attributes (before); an absent bound is none. */
    private static Tensor clip(NodeProto node, Tensor[] in, long opset) {
        if (opset >= Opsets.CLIP_BOUNDS_AS_INPUTS) {
            return Kernels.clip(in[0], bound(in, 1, -Float.MAX_VALUE), bound(in, 2, Float.MAX_VALUE));
        }
        return Kernels.clip(in[0], NodeAttributes.getFloat(node, "min", -Float.MAX_VALUE),
                NodeAttributes.getFloat(node, "max", Float.MAX_VALUE));
    }

    private static float bound(Tensor[] in, int index, float none) {
        return index < in.length && in[index] != null ? in[index].data()[0] : none;
    }

    private static Tensor pool(NodeProto node, Tensor x) {
        rank(node, x, 4);
        int[] kernel = toInts(NodeAttributes.getInts(node, "kernel_shape", null));
        return Kernels.pool(x, node.getOpType().equals("MaxPool"), kernel, ints(node, "strides", 2, 1),
                ints(node, "pads", 4, 0), NodeAttributes.getInt(node, "count_include_pad", 0) != 0);
    }

    private static Tensor concat(NodeProto node, Tensor[] in) {
        int rank = in[0].shape().length;
        long axis = NodeAttributes.getInt(node, "axis", 0);
        int a = (int) (axis < 0 ? axis + rank : axis);
        for (Tensor t : in) {
            for (int d = 0; d < rank; d++) {
                if (t.shape().length != rank || d != a && t.shape()[d] != in[0].shape()[d]) {
                    throw new GraphException(label(node) + ": inputs " + Arrays.toString(in[0].shape()) + " and "
                            + Arrays.toString(t.shape()) + " differ outside axis " + a);
                }
            }
        }
        return Kernels.concat(a, List.of(in));
    }

    private static Tensor flatten(NodeProto node, Tensor x) {
        long[] s = x.shape();
        long axis = NodeAttributes.getInt(node, "axis", 1);
        int a = (int) (axis < 0 ? axis + s.length : axis);
        long outer = 1;
        for (int i = 0; i < a; i++) {
            outer *= s[i];
        }
        return Kernels.reshape(x, outer, x.data().length / Math.max(outer, 1));
    }

    private static Tensor binary(NodeProto node, Tensor[] in, boolean multiply) {
        try {
            return Kernels.binary(in[0], in[1], multiply);
        } catch (IllegalArgumentException e) {
            throw new GraphException(label(node) + ": " + e.getMessage(), e);
        }
    }

    /** Opset 13+ normalises along one axis; before that, over all axes from {@code axis} on. */
    private static Tensor softmax(NodeProto node, Tensor x, long opset) {
        long[] s = x.shape();
        long axis = NodeAttributes.getInt(node, "axis", opset >= 13 ? -1 : 1);
        int a = (int) (axis < 0 ? axis + s.length : axis);
        int outer = 1;
        for (int i = 0; i < a; i++) {
            outer *= (int) s[i];
        }
        int d = opset >= 13 ? (int) s[a] : x.data().length / Math.max(outer, 1);
        int inner = x.data().length / Math.max(outer * d, 1);
        return Kernels.softmax(x, outer, d, inner);
    }

    private static Tensor rank(NodeProto node, Tensor t, int rank) {
        if (t.shape().length != rank) {
            throw new GraphException(label(node) + ": expected a rank-" + rank + " tensor, got "
                    + Arrays.toString(t.shape()));
        }
        return t;
    }

    private static int[] ints(NodeProto node, String name, int length, long fill) {
        return toInts(NodeAttributes.getInts(node, name, length, fill));
    }

    private static int[] toInts(long[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.toIntExact(v[i]);
        }
        return out;
    }
}
