package io.morphgate.onnx.internal;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.morphgate.onnx.GraphException;

/** Typed access to node attributes with ONNX defaults; a wrongly typed attribute is a {@link GraphException}. */
public final class NodeAttributes {
    private NodeAttributes() {
    }

    /** "node name (OpType)", the way every message in this bundle refers to a node. */
    public static String label(NodeProto node) {
        String name = node.getName().isEmpty() ? "<unnamed>" : node.getName();
        return "node " + name + " (" + node.getOpType() + ")";
    }

    public static boolean has(NodeProto node, String name) {
        return find(node, name) != null;
    }

    public static long getInt(NodeProto node, String name, long defaultValue) {
        AttributeProto a = find(node, name);
        if (a == null) {
            return defaultValue;
        }
        expect(node, a, AttributeProto.AttributeType.INT);
        return a.getI();
    }

    public static float getFloat(NodeProto node, String name, float defaultValue) {
        AttributeProto a = find(node, name);
        if (a == null) {
            return defaultValue;
        }
        expect(node, a, AttributeProto.AttributeType.FLOAT);
        return a.getF();
    }

    public static String getString(NodeProto node, String name, String defaultValue) {
        AttributeProto a = find(node, name);
        if (a == null) {
            return defaultValue;
        }
        expect(node, a, AttributeProto.AttributeType.STRING);
        return a.getS().toStringUtf8();
    }

    /** An INTS attribute, or {@code defaultValue} (may be null) when absent. */
    public static long[] getInts(NodeProto node, String name, long[] defaultValue) {
        AttributeProto a = find(node, name);
        if (a == null) {
            return defaultValue;
        }
        expect(node, a, AttributeProto.AttributeType.INTS);
        long[] out = new long[a.getIntsCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.getInts(i);
        }
        return out;
    }

    /** An INTS attribute that must have {@code length} entries (pads: 4, strides: 2...), defaulting to all {@code fill}. */
    public static long[] getInts(NodeProto node, String name, int length, long fill) {
        long[] v = getInts(node, name, null);
        if (v == null) {
            v = new long[length];
            java.util.Arrays.fill(v, fill);
        } else if (v.length != length) {
            throw new GraphException(label(node) + ": attribute " + name + " has " + v.length
                    + " values, expected " + length);
        }
        return v;
    }

    /** A TENSOR attribute, or null when absent. */
    public static TensorProto getTensor(NodeProto node, String name) {
        AttributeProto a = find(node, name);
        if (a == null) {
            return null;
        }
        expect(node, a, AttributeProto.AttributeType.TENSOR);
        return a.getT();
    }

    private static AttributeProto find(NodeProto node, String name) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a;
            }
        }
        return null;
    }

    private static void expect(NodeProto node, AttributeProto a, AttributeProto.AttributeType type) {
        if (a.getType() != type && a.getType() != AttributeProto.AttributeType.UNDEFINED) {
            throw new GraphException(label(node) + ": attribute " + a.getName() + " is " + a.getType()
                    + ", expected " + type);
        }
    }
}
