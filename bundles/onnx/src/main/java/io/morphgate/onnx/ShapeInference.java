package io.morphgate.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.morphgate.onnx.internal.ConstantValue;
import io.morphgate.onnx.internal.NodeAttributes;
import io.morphgate.onnx.internal.Opsets;
import io.morphgate.onnx.internal.Shapes;
import io.morphgate.onnx.internal.TensorData;

import java.util.LinkedHashMap;
import java.util.Map;

import static io.morphgate.onnx.internal.NodeAttributes.label;
import static io.morphgate.onnx.internal.Shapes.format;

/**
 * Static shapes of every tensor of a model (graph inputs, initializers, node outputs), batch and other symbolic
 * dimensions as -1. Walks the nodes in file order, so the graph must be topologically sorted (GraphCheck verifies
 * that first). Knows exactly the operators the Morphgate backbone and operators use and those torch.onnx.export
 * writes for torchvision's ResNet-18, VGG-11-BN and MobileNet-V2 (Constant, Clip); anything else is refused rather
 * than guessed, since a wrong shape would only show up later as an ONNX Runtime error on the gateway.
 */
public final class ShapeInference {
    private ShapeInference() {
    }

    /** Shapes by tensor name, in definition order. */
    public static Map<String, long[]> infer(ModelProto model) {
        GraphProto g = model.getGraph();
        long opset = Opsets.defaultDomain(model);
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (TensorProto t : g.getInitializerList()) {
            shapes.put(t.getName(), TensorData.dims(t));
        }
        for (ValueInfoProto in : g.getInputList()) {
            if (!shapes.containsKey(in.getName())) {
                long[] s = Shapes.declared(in);
                if (s == null) {
                    throw new GraphException("graph input " + in.getName() + " declares no tensor shape");
                }
                shapes.put(in.getName(), bounded(in.getName(), s));
            }
        }
        for (NodeProto node : g.getNodeList()) {
            long[][] in = new long[node.getInputCount()][];
            for (int i = 0; i < in.length; i++) {
                String name = node.getInput(i);
                if (name.isEmpty()) {
                    continue;
                }
                in[i] = shapes.get(name);
                if (in[i] == null) {
                    throw new GraphException(label(node) + ": input " + name + " is not defined before this node");
                }
            }
            if (node.getOutputCount() != 1) {
                throw new GraphException(label(node) + ": has " + node.getOutputCount()
                        + " outputs, only single-output nodes are supported");
            }
            shapes.put(node.getOutput(0), bounded(node.getOutput(0), new NodeShape(node, in, opset).infer()));
        }
        return shapes;
    }

    /**
     * Refuses a tensor of more than {@link TensorData#MAX_ELEMENTS} elements per sample (symbolic dimensions count as
     * 1), the bound initializers have too: an absurd declared input (2^40 pixels) or attribute (pads of 2^40) would
     * otherwise reach ONNX Runtime, the cost counter and the reference evaluator as a plausible shape.
     */
    private static long[] bounded(String tensor, long[] shape) {
        long n = 1;
        for (long d : shape) {
            long extent = Math.max(d, 1);
            if (extent > TensorData.MAX_ELEMENTS || (n *= extent) > TensorData.MAX_ELEMENTS) {
                throw new GraphException("tensor " + tensor + " of shape " + format(shape) + " has more than "
                        + TensorData.MAX_ELEMENTS + " elements per sample");
            }
        }
        return shape;
    }

    /** Shape rules for one node; every failure names the node. */
    private static final class NodeShape {
        private final NodeProto node;
        private final long[][] in;
        private final long opset;

        NodeShape(NodeProto node, long[][] in, long opset) {
            this.node = node;
            this.in = in;
            this.opset = opset;
        }

        long[] infer() {
            return switch (node.getOpType()) {
                case "Conv" -> conv();
                case "BatchNormalization" -> batchNorm();
                case "Relu", "Identity" -> unary();
                case "Clip" -> clip();
                case "Constant" -> constant();
                case "Softmax" -> softmax();
                case "MaxPool", "AveragePool" -> pool();
                case "GlobalAveragePool" -> globalPool();
                case "Concat" -> concat();
                case "Flatten" -> flatten();
                case "Gemm" -> gemm();
                case "MatMul" -> matMul();
                case "Add", "Mul" -> broadcast();
                default -> throw fail("unsupported operator");
            };
        }

        private long[] conv() {
            inputs(2, 3);
            long[] x = rank(0, 4, "input");
            long[] w = rank(1, 4, "weight");
            long group = NodeAttributes.getInt(node, "group", 1);
            if (group < 1 || x[1] % group != 0 || w[0] % group != 0) {
                throw fail("group " + group + " does not divide input channels " + x[1] + " and output channels "
                        + w[0]);
            }
            if (w[1] != x[1] / group) {
                throw fail("weight has " + w[1] + " input channels per group but input has " + x[1] + " channels"
                        + (group > 1 ? " in " + group + " groups" : ""));
            }
            if (in.length > 2 && in[2] != null && (in[2].length != 1 || in[2][0] != w[0])) {
                throw fail("bias shape " + format(in[2]) + " does not match " + w[0] + " output channels");
            }
            long[] kernel = NodeAttributes.getInts(node, "kernel_shape", null);
            if (kernel != null && (kernel.length != 2 || kernel[0] != w[2] || kernel[1] != w[3])) {
                throw fail("kernel_shape " + format(kernel) + " does not match weight " + format(w));
            }
            long[] dil = NodeAttributes.getInts(node, "dilations", 2, 1);
            if (dil[0] != 1 || dil[1] != 1) {
                throw fail("dilations " + format(dil) + " are not supported (only 1)");
            }
            return new long[] {x[0], w[0], window(x[2], w[2], 0), window(x[3], w[3], 1)};
        }

        private long[] pool() {
            inputs(1, 1);
            long[] x = rank(0, 4, "input");
            long[] kernel = NodeAttributes.getInts(node, "kernel_shape", null);
            if (kernel == null || kernel.length != 2) {
                throw fail("needs a 2-D kernel_shape");
            }
            if (NodeAttributes.getInt(node, "ceil_mode", 0) != 0) {
                throw fail("ceil_mode=1 is not supported");
            }
            if (node.getOpType().equals("MaxPool")) {
                long[] dil = NodeAttributes.getInts(node, "dilations", 2, 1);
                if (dil[0] != 1 || dil[1] != 1) {
                    throw fail("dilations " + format(dil) + " are not supported (only 1)");
                }
            }
            return new long[] {x[0], x[1], window(x[2], kernel[0], 0), window(x[3], kernel[1], 1)};
        }

        /** Output extent along spatial axis {@code axis} (0 = H, 1 = W) with the node's strides and pads. */
        private long window(long size, long kernel, int axis) {
            String autoPad = NodeAttributes.getString(node, "auto_pad", "NOTSET");
            if (!autoPad.equals("NOTSET")) {
                throw fail("auto_pad=" + autoPad + " is not supported, use explicit pads");
            }
            long[] strides = NodeAttributes.getInts(node, "strides", 2, 1);
            long[] pads = NodeAttributes.getInts(node, "pads", 4, 0);
            long stride = strides[axis];
            if (stride < 1) {
                throw fail("stride " + stride + " must be positive");
            }
            if (pads[axis] < 0 || pads[axis + 2] < 0) {
                throw fail("negative pads " + format(pads));
            }
            long padded = exact(() -> Math.addExact(Math.addExact(size, pads[axis]), pads[axis + 2]),
                    "padded size of " + size + " with pads " + format(pads));
            if (padded < kernel) {
                throw fail("kernel " + kernel + " is larger than the padded input " + padded + " ("
                        + (axis == 0 ? "height" : "width") + ")");
            }
            return (padded - kernel) / stride + 1;
        }

        private long[] batchNorm() {
            inputs(5, 5);
            long[] x = in[0];
            if (x.length < 2) {
                throw fail("input " + format(x) + " has no channel axis");
            }
            String[] roles = {"scale", "bias", "mean", "variance"};
            for (int i = 1; i < 5; i++) {
                if (in[i].length != 1 || in[i][0] != x[1]) {
                    throw fail(roles[i - 1] + " has shape " + format(in[i]) + " but input has " + x[1]
                            + " channels");
                }
            }
            return x.clone();
        }

        private long[] unary() {
            inputs(1, 1);
            return in[0].clone();
        }

        /** ReLU6 and the like: min and max are optional scalar inputs (opset 11+) or attributes (before). */
        private long[] clip() {
            if (opset < Opsets.CLIP_BOUNDS_AS_INPUTS) {
                if (in.length > 1) {
                    throw fail("has " + in.length + " inputs; before opset " + Opsets.CLIP_BOUNDS_AS_INPUTS
                            + " min and max are attributes, not inputs (model opset " + opset + ")");
                }
                inputs(1, 1);
                // type checks: a bound written as an INT attribute is refused here, not misread by the evaluator
                NodeAttributes.getFloat(node, "min", 0f);
                NodeAttributes.getFloat(node, "max", 0f);
                return in[0].clone();
            }
            inputs(1, 3);
            if (NodeAttributes.has(node, "min") || NodeAttributes.has(node, "max")) {
                throw fail("min and max are inputs since opset " + Opsets.CLIP_BOUNDS_AS_INPUTS
                        + ", not attributes (model opset " + opset + ")");
            }
            String[] roles = {"min", "max"};
            for (int i = 1; i < in.length; i++) {
                if (in[i] != null && in[i].length != 0) {
                    throw fail(roles[i - 1] + " " + node.getInput(i) + " has shape " + format(in[i])
                            + ", expected a scalar (shape [])");
                }
            }
            return in[0].clone();
        }

        private long[] constant() {
            inputs(0, 0);
            return ConstantValue.shape(node);
        }

        private long[] softmax() {
            inputs(1, 1);
            long axis = NodeAttributes.getInt(node, "axis", -1);
            if (axis < -in[0].length || axis >= in[0].length) {
                throw fail("axis " + axis + " out of range for rank " + in[0].length);
            }
            return in[0].clone();
        }

        private long[] globalPool() {
            inputs(1, 1);
            long[] x = rank(0, 4, "input");
            return new long[] {x[0], x[1], 1, 1};
        }

        private long[] concat() {
            if (in.length == 0) {
                throw fail("has no inputs");
            }
            if (!NodeAttributes.has(node, "axis")) {
                throw fail("attribute axis is required");
            }
            long[] first = in[0];
            int axis = normalizeAxis(NodeAttributes.getInt(node, "axis", 0), first.length);
            long[] out = first.clone();
            for (int i = 1; i < in.length; i++) {
                long[] s = in[i];
                if (s == null || s.length != first.length) {
                    throw fail("input " + node.getInput(i) + " has rank " + (s == null ? 0 : s.length)
                            + ", expected " + first.length);
                }
                for (int d = 0; d < s.length; d++) {
                    if (d == axis) {
                        long a = out[d];
                        long b = s[d];
                        out[d] = a < 0 || b < 0 ? -1 : exact(() -> Math.addExact(a, b),
                                "concatenated extent along axis " + axis);
                    } else if (s[d] != first[d]) {
                        throw fail("input " + node.getInput(i) + " has shape " + format(s) + ", incompatible with "
                                + format(first) + " outside axis " + axis);
                    }
                }
            }
            return out;
        }

        private long[] flatten() {
            inputs(1, 1);
            long[] x = in[0];
            long a = NodeAttributes.getInt(node, "axis", 1);
            int axis = (int) (a < 0 ? a + x.length : a);
            if (axis < 0 || axis > x.length) {
                throw fail("axis " + a + " out of range for rank " + x.length);
            }
            return new long[] {exact(() -> product(x, 0, axis), "flattened extent of " + format(x)),
                    exact(() -> product(x, axis, x.length), "flattened extent of " + format(x))};
        }

        private long[] gemm() {
            inputs(2, 3);
            long[] a = rank(0, 2, "A");
            long[] b = rank(1, 2, "B");
            boolean ta = NodeAttributes.getInt(node, "transA", 0) != 0;
            boolean tb = NodeAttributes.getInt(node, "transB", 0) != 0;
            long m = ta ? a[1] : a[0];
            long k = ta ? a[0] : a[1];
            long kb = tb ? b[1] : b[0];
            long n = tb ? b[0] : b[1];
            if (k != kb) {
                throw fail("A " + format(a) + (ta ? " (transposed)" : "") + " has " + k + " features but B "
                        + format(b) + (tb ? " (transposed)" : "") + " expects " + kb);
            }
            if (in.length > 2 && in[2] != null) {
                long[] c = in[2];
                boolean ok = c.length == 0 || c.length == 1 && (c[0] == n || c[0] == 1)
                        || c.length == 2 && (c[0] == 1 || c[0] == m) && (c[1] == 1 || c[1] == n);
                if (!ok) {
                    throw fail("C " + format(c) + " does not broadcast to [" + m + "," + n + "]");
                }
            }
            return new long[] {m, n};
        }

        private long[] matMul() {
            inputs(2, 2);
            long[] a = in[0];
            long[] b = rank(1, 2, "B");
            if (a.length < 2) {
                throw fail("A " + format(a) + " must have rank 2 or more");
            }
            if (a[a.length - 1] != b[0]) {
                throw fail("A " + format(a) + " has " + a[a.length - 1] + " features but B " + format(b)
                        + " expects " + b[0]);
            }
            long[] out = a.clone();
            out[out.length - 1] = b[1];
            return out;
        }

        private long[] broadcast() {
            inputs(2, 2);
            long[] a = in[0];
            long[] b = in[1];
            int rank = Math.max(a.length, b.length);
            long[] out = new long[rank];
            for (int i = 0; i < rank; i++) {
                long da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
                long db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
                if (da == db || db == 1) {
                    out[i] = da;
                } else if (da == 1) {
                    out[i] = db;
                } else if (da < 0 || db < 0) {
                    out[i] = Math.max(da, db);
                } else {
                    throw fail("shapes " + format(a) + " and " + format(b) + " do not broadcast");
                }
            }
            return out;
        }

        private void inputs(int min, int max) {
            int present = in.length;
            if (present < min || present > max) {
                throw fail("has " + present + " inputs, expected " + (min == max ? min : min + " to " + max));
            }
            for (int i = 0; i < min; i++) {
                if (in[i] == null) {
                    throw fail("input " + i + " is missing");
                }
            }
        }

        private long[] rank(int index, int rank, String role) {
            long[] s = in[index];
            if (s.length != rank) {
                throw fail(role + " " + node.getInput(index) + " has shape " + format(s) + ", expected rank " + rank);
            }
            return s;
        }

        private int normalizeAxis(long axis, int rank) {
            long a = axis < 0 ? axis + rank : axis;
            if (a < 0 || a >= Math.max(rank, 1)) {
                throw fail("axis " + axis + " out of range for rank " + rank);
            }
            return (int) a;
        }

        private static long product(long[] s, int from, int to) {
            long p = 1;
            for (int i = from; i < to; i++) {
                if (s[i] < 0) {
                    return -1;
                }
                p = Math.multiplyExact(p, s[i]);
            }
            return p;
        }

        /** Absurd dimensions must not wrap around into plausible ones. */
        private long exact(java.util.function.LongSupplier arithmetic, String what) {
            try {
                return arithmetic.getAsLong();
            } catch (ArithmeticException e) {
                throw fail(what + " overflows a 64-bit integer");
            }
        }

        private GraphException fail(String what) {
            return new GraphException(label(node) + ": " + what);
        }
    }
}
