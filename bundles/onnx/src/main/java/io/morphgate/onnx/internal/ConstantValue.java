package io.morphgate.onnx.internal;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.morphgate.onnx.GraphException;

import static io.morphgate.onnx.internal.NodeAttributes.label;

/**
 * The tensor a {@code Constant} node produces: its {@code value} attribute, a FLOAT tensor whose data matches its
 * dims (the checks initializers get). The other forms (value_float, value_ints, sparse_value, ...) are refused: no
 * exporter of the supported networks writes them, and the reference evaluator computes in floats only.
 */
public final class ConstantValue {
    private ConstantValue() {
    }

    public static long[] shape(NodeProto constant) {
        return TensorData.dims(tensor(constant));
    }

    public static float[] floats(NodeProto constant) {
        return TensorData.floats(tensor(constant), what(constant));
    }

    private static TensorProto tensor(NodeProto constant) {
        for (AttributeProto a : constant.getAttributeList()) {
            if (!a.getName().equals("value")) {
                throw new GraphException(label(constant) + ": attribute " + a.getName()
                        + " is not supported (only value, a FLOAT tensor)");
            }
        }
        TensorProto t = NodeAttributes.getTensor(constant, "value");
        if (t == null) {
            throw new GraphException(label(constant) + ": attribute value is required");
        }
        TensorData.checkConsistent(t, what(constant));
        if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
            throw new GraphException(what(constant) + " has data type " + t.getDataType()
                    + "; only FLOAT (1) is supported");
        }
        return t;
    }

    private static String what(NodeProto constant) {
        return label(constant) + ": value";
    }
}
