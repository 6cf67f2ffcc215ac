package io.morphgate.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.morphgate.onnx.reference.ReferenceEvaluator.Tensor;

/** Opens the package-private test helpers to the tests of the reference package. */
public final class TestAccess {
    private TestAccess() {
    }

    public static Tensor randomInput(long seed, long... shape) {
        return TestModels.randomInput(seed, shape);
    }

    public static Tensor ort(ModelProto model, Tensor input) {
        return OrtRunner.run(model, input);
    }

    public static ModelProto clipWithAttributesAtOpset10(float min, float max) {
        return TestModels.clipWithAttributesAtOpset10(min, max);
    }

    public static ModelProto withOutput(ModelProto model, String tensor, long[] shape) {
        return TestModels.withOutput(model, tensor, shape);
    }
}
