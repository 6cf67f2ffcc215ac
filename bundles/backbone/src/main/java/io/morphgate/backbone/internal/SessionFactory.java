package io.morphgate.backbone.internal;

import java.util.concurrent.atomic.AtomicInteger;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;

/**
 * Creates ONNX Runtime sessions with the backbone's options, and closes them: it counts the sessions open, so that a
 * leak of native memory through sessions never closed shows in the model status. The environment is per JVM and
 * never closed here.
 */
final class SessionFactory {

    private final OrtEnvironment environment;
    private final int intraOpThreads;
    private final AtomicInteger open = new AtomicInteger();

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
            OrtSession session = environment.createSession(model, options);
            open.incrementAndGet();
            return session;
        }
    }

    /** Closes a session this factory created. */
    void close(OrtSession session) throws OrtException {
        try {
            session.close();
        } finally {
            open.decrementAndGet();
        }
    }

    /** Sessions created and not yet closed. */
    int open() {
        return open.get();
    }
}
