package io.morphgate.backbone.internal;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;

/** Creates ONNX Runtime sessions with the backbone's options. The environment is per JVM and never closed here. */
final class SessionFactory {

    private final OrtEnvironment environment;
    private final int intraOpThreads;

    SessionFactory(OrtEnvironment environment, int intraOpThreads) {
        this.environment = environment;
        this.intraOpThreads = intraOpThreads;
    }

    OrtSession create(byte[] model) throws OrtException {
        try (SessionOptions options = new SessionOptions()) {
            options.setOptimizationLevel(OptLevel.ALL_OPT);
            options.setExecutionMode(SessionOptions.ExecutionMode.SEQUENTIAL);
            if (intraOpThreads > 0) {
                options.setIntraOpNumThreads(intraOpThreads);
            }
            return environment.createSession(model, options);
        }
    }
}
