package io.morphgate.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
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

    /**
     * The tensor {@code name} is a copy of through a chain of {@code Identity} nodes, itself when none:
     * {@code torch.onnx.export} may pass a parameter through them (e.g. one zero bias shared by several convs).
     */
    public static String throughIdentities(ModelProto model, String name) {
        String tensor = name;
        for (int hops = 0; hops < 16; hops++) {
            String current = tensor;
            NodeProto producer = model.getGraph().getNodeList().stream()
                    .filter(n -> n.getOutputCount() > 0 && n.getOutput(0).equals(current)).findFirst().orElse(null);
            if (producer == null || !producer.getOpType().equals("Identity")) {
                return tensor;
            }
            tensor = producer.getInput(0);
        }
        return tensor;
    }
}
