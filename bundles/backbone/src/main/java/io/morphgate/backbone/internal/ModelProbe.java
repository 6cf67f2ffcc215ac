package io.morphgate.backbone.internal;

import java.util.List;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.morphgate.api.inference.InferenceResult;
import io.morphgate.api.model.Configuration;
import io.morphgate.model.InvalidModelException;
import io.morphgate.onnx.CostCounter;
import io.morphgate.onnx.OnnxModelIO;

/**
 * The health check of a model before it may serve: ONNX Runtime must load its graph, and its outputs must be finite
 * on its calibration images (on a zero input when it has none). Runs in a session of its own; the serving model is
 * not touched.
 */
final class ModelProbe {

    /** At most this many calibration images are run: enough to catch NaN weights, cheap for a large model. */
    static final int MAX_IMAGES = 16;

    private ModelProbe() {
    }

    /** Throws {@link InvalidModelException} saying why the model cannot serve. */
    static void check(BackboneArtifacts artifacts, SessionFactory sessions, ServingModel serving) {
        ModelProto graph = artifacts.model();
        OrtSession session;
        try {
            session = sessions.create(OnnxModelIO.write(graph));
        } catch (OrtException | RuntimeException e) {
            throw new InvalidModelException("ONNX Runtime cannot load model " + artifacts.id() + ": " + e.getMessage(), e);
        }
        List<float[]> images = artifacts.calibrationImages();
        List<float[]> inputs = images.isEmpty() ? List.of(new float[artifacts.inputShape().elementCount()])
                : images.subList(0, Math.min(MAX_IMAGES, images.size()));
        ComposedModel probe = new ComposedModel(sessions, session, artifacts, Configuration.DEFAULT, 0,
                CostCounter.count(graph));
        try {
            List<InferenceResult> results = serving.runOn(probe, inputs);
            for (int i = 0; i < results.size(); i++) {
                for (float p : results.get(i).probabilities()) {
                    if (!Float.isFinite(p)) {
                        throw new InvalidModelException("model " + artifacts.id() + " gives non-finite outputs ("
                                + p + ") on " + (images.isEmpty() ? "a zero input" : "calibration image " + i));
                    }
                }
            }
        } catch (RuntimeException e) {
            if (e instanceof InvalidModelException invalid) {
                throw invalid;
            }
            throw new InvalidModelException("model " + artifacts.id() + " fails to run: " + e.getMessage(), e);
        } finally {
            probe.close();
        }
    }
}
