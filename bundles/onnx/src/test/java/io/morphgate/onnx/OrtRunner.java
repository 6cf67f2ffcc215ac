package io.morphgate.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.morphgate.onnx.reference.ReferenceEvaluator.Tensor;

import java.nio.FloatBuffer;
import java.util.Map;

/** Test-only: runs a model in ONNX Runtime, the independent check of the reference evaluator and of splicing. */
final class OrtRunner {
    private OrtRunner() {
    }

    static Tensor run(ModelProto model, Tensor input) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            try (OrtSession session = env.createSession(OnnxModelIO.write(model), options);
                 OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(input.data()), input.shape());
                 OrtSession.Result result = session.run(Map.of(session.getInputNames().iterator().next(), in))) {
                OnnxTensor out = (OnnxTensor) result.get(0);
                FloatBuffer fb = out.getFloatBuffer();
                float[] data = new float[fb.remaining()];
                fb.get(data);
                return new Tensor(out.getInfo().getShape(), data);
            }
        } catch (OrtException e) {
            throw new AssertionError("ONNX Runtime refused the model: " + e.getMessage(), e);
        }
    }
}
