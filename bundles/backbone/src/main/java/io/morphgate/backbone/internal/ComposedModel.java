package io.morphgate.backbone.internal;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicInteger;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.morphgate.api.model.Configuration;
import io.morphgate.onnx.CostCounter.ModelCost;

/**
 * One composed graph and the ONNX Runtime session that runs it. Reference counted: the serving slot holds one
 * reference and every in-flight request holds one; the session closes when the model is retired and the last request
 * has released it, so a swap never cuts a request off.
 */
final class ComposedModel implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ComposedModel.class.getName());

    private final SessionFactory sessions;
    private final OrtSession session;
    private final BackboneArtifacts model;
    private final Configuration configuration;
    private final long generation;
    private final ModelCost cost;
    private final String inputName;
    /** 1 for the serving reference plus one per in-flight request; 0 once closed. */
    private final AtomicInteger references = new AtomicInteger(1);

    ComposedModel(SessionFactory sessions, OrtSession session, BackboneArtifacts model, Configuration configuration,
            long generation, ModelCost cost) {
        this.sessions = sessions;
        this.session = session;
        this.model = model;
        this.configuration = configuration;
        this.generation = generation;
        this.cost = cost;
        this.inputName = model.descriptor().input().tensor();
    }

    /** Takes a reference for one request; false if the model is already closed (the caller retries on the new one). */
    boolean tryAcquire() {
        int n;
        do {
            n = references.get();
            if (n == 0) {
                return false;
            }
        } while (!references.compareAndSet(n, n + 1));
        return true;
    }

    /** Gives back a reference taken by {@link #tryAcquire()}. */
    void release() {
        if (references.decrementAndGet() == 0) {
            closeSession();
        }
    }

    /** Drops the serving reference: the session closes as soon as no request uses it. */
    @Override
    public void close() {
        release();
    }

    boolean isClosed() {
        return references.get() == 0;
    }

    OrtSession session() {
        return session;
    }

    String inputName() {
        return inputName;
    }

    /** The model this graph was composed from: its input shape, classes and descriptor. */
    BackboneArtifacts model() {
        return model;
    }

    Configuration configuration() {
        return configuration;
    }

    long generation() {
        return generation;
    }

    ModelCost cost() {
        return cost;
    }

    private void closeSession() {
        try {
            sessions.close(session);
            LOG.log(Level.DEBUG, "closed session of generation {0} ({1})", generation, configuration.id());
        } catch (OrtException e) {
            LOG.log(Level.WARNING, "closing session of generation " + generation + " failed: " + e.getMessage(), e);
        }
    }
}
