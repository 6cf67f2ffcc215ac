package io.morphgate.backbone.internal;

import java.util.concurrent.atomic.AtomicInteger;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import ai.onnx.proto.OnnxMl.ModelProto;
import io.morphgate.api.model.Configuration;
import io.morphgate.onnx.CostCounter;
import io.morphgate.onnx.OnnxModelIO;

/**
 * Creates ONNX Runtime sessions with the backbone's options, and closes them: it counts the sessions open, so that a
 * leak of native memory through sessions never closed shows in the model status. The environment is per JVM and
 * never closed here.
 */
final class SessionFactory {

    private final OrtEnvironment environment;
    private final int intraOpThreads;
    private final boolean allowSpinning;
    private final AtomicInteger open = new AtomicInteger();

    /**
     * {@code intraOpThreads} 0 lets ONNX Runtime decide; {@code allowSpinning} false makes its idle intra-op threads
     * sleep instead of spinning (spinning made medians several times worse on a busy 2-core gateway).
     */
    SessionFactory(OrtEnvironment environment, int intraOpThreads, boolean allowSpinning) {
        this.environment = environment;
        this.intraOpThreads = intraOpThreads;
        this.allowSpinning = allowSpinning;
    }

    /**
     * The one way a composed graph becomes runnable: counts its costs (before the session, so that a graph the counter
     * refuses leaks nothing), creates its session and wraps both. Closing the result closes the session.
     *
     * @throws RuntimeRefusal if ONNX Runtime refuses the graph
     */
    ComposedModel open(BackboneArtifacts model, Configuration configuration, ModelProto composed, long generation) {
        CostCounter.ModelCost cost = CostCounter.count(composed);
        try {
            return new ComposedModel(this, create(OnnxModelIO.write(composed)), model, configuration, generation, cost);
        } catch (OrtException e) {
            throw new RuntimeRefusal("ONNX Runtime refused configuration " + configuration.id() + ": "
                    + e.getMessage(), e);
        }
    }

    OrtSession create(byte[] model) throws OrtException {
        try (SessionOptions options = new SessionOptions()) {
            options.setOptimizationLevel(OptLevel.ALL_OPT);
            options.setExecutionMode(SessionOptions.ExecutionMode.SEQUENTIAL);
            if (intraOpThreads > 0) {
                options.setIntraOpNumThreads(intraOpThreads);
            }
            if (!allowSpinning) {
                options.addConfigEntry("session.intra_op.allow_spinning", "0");
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

    /** A graph that passed the graph checks but that ONNX Runtime refused (or failed to run on a zero input). */
    static final class RuntimeRefusal extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RuntimeRefusal(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Sessions created and not yet closed. */
    int open() {
        return open.get();
    }
}
