package io.morphgate.onnx;

import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.morphgate.onnx.internal.Shapes;

/** Declarations of graph inputs and outputs. */
public final class ValueInfos {

    private ValueInfos() {
    }

    /** A float tensor with this shape; -1 declares a symbolic dimension (the batch). */
    public static ValueInfoProto floatTensor(String name, long[] shape) {
        return Shapes.floatValue(name, shape);
    }
}
