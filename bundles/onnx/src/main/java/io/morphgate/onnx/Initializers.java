package io.morphgate.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.morphgate.onnx.internal.TensorData;

/** Reads the values of a model's initializers, e.g. the trained weights of a slot. */
public final class Initializers {

    private Initializers() {
    }

    /**
     * The float values of the initializer with this name, row-major.
     *
     * @throws GraphException if the graph has no such initializer or it is not a float tensor
     */
    public static float[] floats(ModelProto model, String name) {
        for (TensorProto t : model.getGraph().getInitializerList()) {
            if (t.getName().equals(name)) {
                return TensorData.floats(t);
            }
        }
        throw new GraphException("graph " + model.getGraph().getName() + " has no initializer " + name);
    }
}
