package io.morphgate.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * The translation of single ONNX nodes (default domain, 2-D NCHW tensors) into DJL operations: the op set of
 * networks exported by {@code torch.onnx.export} (torchvision's ResNet, VGG, MobileNet) and of the graphs Morphgate
 * composes. {@link #requireSupported} refuses anything else before training starts, naming the node and the op.
 */
final class OnnxOps {

    /** The ops {@link #apply} translates ({@code Constant} is evaluated once, when the block is built). */
    static final Set<String> SUPPORTED = Set.of("Conv", "BatchNormalization", "Relu", "Clip", "MaxPool",
            "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "Add", "Concat", "Flatten", "Reshape", "Gemm",
            "MatMul", "Softmax", "Identity", "Constant");

    private static final float DEFAULT_MOMENTUM = 0.9f;

    private OnnxOps() {
    }

    /**
     * Checks the op, its domain and the attributes {@link #apply} honours.
     *
     * @throws IllegalArgumentException naming the node and op when the block cannot compute it as ONNX does
     */
    static void requireSupported(NodeProto n) {
        if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
            throw unsupported(n, "domain " + n.getDomain() + " not translated");
        }
        if (!SUPPORTED.contains(n.getOpType())) {
            throw unsupported(n, "op not translated (the trainer reads " + String.join(", ",
                    SUPPORTED.stream().sorted().toList()) + ")");
        }
        String autoPad = stringAttr(n, "auto_pad", "NOTSET");
        if (!autoPad.equals("NOTSET") && !autoPad.equals("VALID")) {
            throw unsupported(n, "auto_pad " + autoPad + " (only explicit pads)");
        }
        switch (n.getOpType()) {
            case "Conv" -> {
                requireTwoD(n, "kernel_shape");
                ints(n, "pads", 0, 0, 0, 0); // any 4 pads: an asymmetric pair is padded explicitly
            }
            case "MaxPool", "AveragePool" -> {
                requireTwoD(n, "kernel_shape");
                symmetricPads(n);
                if (n.getOutputCount() > 1) {
                    throw unsupported(n, "the indices output");
                }
                if (!Arrays.equals(ints(n, "dilations", 1, 1), new long[] {1, 1})) {
                    throw unsupported(n, "dilated pooling");
                }
            }
            case "BatchNormalization" -> {
                if (n.getInputCount() != 5 || n.getOutputCount() > 1) {
                    throw unsupported(n, "only inference-form BatchNormalization (5 inputs, 1 output)");
                }
            }
            case "Reshape" -> {
                if (intAttr(n, "allowzero", 0) != 0) {
                    throw unsupported(n, "allowzero=1");
                }
            }
            default -> {
            }
        }
    }

    /**
     * The node's output. {@code v} holds every known tensor (float activations and parameters, INT64 shapes);
     * {@code bnTraining} asks a BatchNormalization for batch statistics and a running-statistics update.
     */
    static NDArray apply(NodeProto n, Map<String, NDArray> v, boolean bnTraining) {
        NDArray x = v.get(n.getInput(0));
        return switch (n.getOpType()) {
            case "Conv" -> conv(n, x, v);
            case "BatchNormalization" -> BatchNorm.batchNorm(x, v.get(n.getInput(3)), v.get(n.getInput(4)),
                    v.get(n.getInput(1)), v.get(n.getInput(2)), 1, floatAttr(n, "momentum", DEFAULT_MOMENTUM),
                    floatAttr(n, "epsilon", 1e-5f), bnTraining).get(0);
            case "Relu" -> Activation.relu(x);
            case "Clip" -> clip(n, x, v);
            case "MaxPool" -> Pool.maxPool2d(x, new Shape(ints(n, "kernel_shape")),
                    new Shape(ints(n, "strides", 1, 1)), new Shape(symmetricPads(n)),
                    intAttr(n, "ceil_mode", 0) == 1);
            case "AveragePool" -> Pool.avgPool2d(x, new Shape(ints(n, "kernel_shape")),
                    new Shape(ints(n, "strides", 1, 1)), new Shape(symmetricPads(n)),
                    intAttr(n, "ceil_mode", 0) == 1, intAttr(n, "count_include_pad", 0) == 1);
            case "GlobalAveragePool" -> keepSpatialAxes(Pool.globalAvgPool2d(x), x);
            case "GlobalMaxPool" -> keepSpatialAxes(Pool.globalMaxPool2d(x), x);
            case "Add" -> x.add(v.get(n.getInput(1)));
            case "Concat" -> {
                NDList parts = new NDList();
                for (String in : n.getInputList()) {
                    parts.add(v.get(in));
                }
                yield NDArrays.concat(parts, axis(n, x, 1));
            }
            case "Flatten" -> flatten(x, axis(n, x, 1));
            case "Reshape" -> x.reshape(reshaped(x.getShape(), v.get(n.getInput(1)).toLongArray()));
            case "Gemm" -> gemm(n, x, v);
            case "MatMul" -> x.matMul(v.get(n.getInput(1)));
            case "Softmax" -> x.softmax(axis(n, x, -1));
            case "Identity" -> x;
            default -> throw unsupported(n, "op not translated");
        };
    }

    private static NDArray conv(NodeProto n, NDArray x, Map<String, NDArray> v) {
        NDArray bias = n.getInputCount() > 2 && !n.getInput(2).isEmpty() ? v.get(n.getInput(2)) : null;
        long[] p = ints(n, "pads", 0, 0, 0, 0); // [top, left, bottom, right]
        long[] pads = {p[0], p[1]};
        if (p[0] != p[2] || p[1] != p[3]) {
            // DJL pads both sides of an axis alike: pad the input itself (last axis first, as torch's pad reads it)
            x = x.pad(new Shape(p[1], p[3], p[0], p[2]), 0);
            pads = new long[] {0, 0};
        }
        return Conv2d.conv2d(x, v.get(n.getInput(1)), bias, new Shape(ints(n, "strides", 1, 1)), new Shape(pads),
                new Shape(ints(n, "dilations", 1, 1)), (int) intAttr(n, "group", 1)).singletonOrThrow();
    }

    /** Bounds from inputs 1 and 2 (opset 11 on) or from the min/max attributes (before); absent means unbounded. */
    private static NDArray clip(NodeProto n, NDArray x, Map<String, NDArray> v) {
        Float min = bound(n, v, 1, "min");
        Float max = bound(n, v, 2, "max");
        if (min != null && max != null) {
            return x.clip(min, max);
        }
        return min != null ? x.maximum(min) : max != null ? x.minimum(max) : x;
    }

    private static Float bound(NodeProto n, Map<String, NDArray> v, int input, String attribute) {
        if (n.getInputCount() > input && !n.getInput(input).isEmpty()) {
            return v.get(n.getInput(input)).toFloatArray()[0];
        }
        AttributeProto a = attr(n, attribute);
        return a == null ? null : a.getF();
    }

    /**
     * {@code alpha * A' B' + beta * C}. The common fully connected form (transB=1, alpha=beta=1) runs as DJL's linear
     * layer, as it always has, so that results stay byte-identical across trainer versions.
     */
    private static NDArray gemm(NodeProto n, NDArray a, Map<String, NDArray> v) {
        NDArray b = v.get(n.getInput(1));
        NDArray c = n.getInputCount() > 2 && !n.getInput(2).isEmpty() ? v.get(n.getInput(2)) : null;
        boolean transA = intAttr(n, "transA", 0) == 1;
        boolean transB = intAttr(n, "transB", 0) == 1;
        float alpha = floatAttr(n, "alpha", 1f);
        float beta = floatAttr(n, "beta", 1f);
        if (!transA && transB && alpha == 1f && beta == 1f) {
            return Linear.linear(a, b, c).singletonOrThrow();
        }
        NDArray y = (transA ? a.transpose() : a).matMul(transB ? b.transpose() : b);
        if (alpha != 1f) {
            y = y.mul(alpha);
        }
        return c == null ? y : y.add(beta == 1f ? c : c.mul(beta));
    }

    private static NDArray flatten(NDArray x, int axis) {
        long outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= x.getShape().get(i);
        }
        return x.reshape(outer, -1);
    }

    /** ONNX Reshape: 0 copies the input's dimension, -1 is inferred. */
    static Shape reshaped(Shape input, long[] shape) {
        long[] dims = shape.clone();
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == 0) {
                dims[i] = input.get(i);
            }
        }
        return new Shape(dims);
    }

    /** ONNX's global pools keep the spatial axes (size 1); DJL's drop them. */
    private static NDArray keepSpatialAxes(NDArray pooled, NDArray input) {
        return pooled.reshape(input.getShape().get(0), input.getShape().get(1), 1, 1);
    }

    private static int axis(NodeProto n, NDArray x, long fallback) {
        long a = intAttr(n, "axis", fallback);
        return (int) (a < 0 ? a + x.getShape().dimension() : a);
    }

    private static void requireTwoD(NodeProto n, String kernelAttribute) {
        AttributeProto k = attr(n, kernelAttribute);
        if (k != null && k.getIntsCount() != 2) {
            throw unsupported(n, "only 2-D kernels (kernel_shape " + k.getIntsList() + ")");
        }
    }

    /** ONNX pads are [top, left, bottom, right]; DJL's pooling pads each side of an axis alike. */
    private static long[] symmetricPads(NodeProto n) {
        long[] p = ints(n, "pads", 0, 0, 0, 0);
        if (p.length != 4 || p[0] != p[2] || p[1] != p[3]) {
            throw unsupported(n, "asymmetric pads " + Arrays.toString(p));
        }
        return new long[] {p[0], p[1]};
    }

    static AttributeProto attr(NodeProto n, String name) {
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

    static IllegalArgumentException unsupported(NodeProto n, String why) {
        return new IllegalArgumentException("node " + (n.getName().isEmpty() ? n.getOutput(0) : n.getName()) + " ("
                + n.getOpType() + "): " + why);
    }
}
