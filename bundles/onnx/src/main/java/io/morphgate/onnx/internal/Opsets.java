package io.morphgate.onnx.internal;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;

/** The operator set a model's nodes are read with. */
public final class Opsets {
    /** From this opset on, Clip takes min and max as optional inputs; before it, as attributes. */
    public static final long CLIP_BOUNDS_AS_INPUTS = 11;

    private Opsets() {
    }

    /** The highest default-domain ("" or "ai.onnx") opset the model imports, -1 if it imports none. */
    public static long defaultDomain(ModelProto model) {
        long opset = -1;
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            if (isDefaultDomain(o.getDomain())) {
                opset = Math.max(opset, o.getVersion());
            }
        }
        return opset;
    }

    public static boolean isDefaultDomain(String domain) {
        return domain.isEmpty() || domain.equals("ai.onnx");
    }
}
