package io.morphgate.api.deployment;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Runs deployment jobs on the gateway, one at a time, all or nothing: verify, install, start, health check (the
 * bundle's variants are registered and accepted by the backbone), commit; otherwise restore the previous state.
 * Jobs are journalled on disk, so that each request id runs once and a job cut off by a crash is completed or rolled
 * back at the next start.
 */
@ProviderType
public interface Deployer {

    /**
     * Accepts a job and returns at once; the stage completes with its outcome. A request id seen before returns the
     * stored outcome (or the running job's stage) and runs nothing.
     *
     * @throws DeploymentException with BUSY when the queue is full, PROTECTED_BUNDLE, NO_SUCH_BUNDLE or
     *                             INVALID_ARGUMENT when the request can be refused before it runs
     */
    CompletionStage<JobOutcome> submit(DeploymentRequest request, Consumer<JobProgress> progress)
            throws DeploymentException;

    /** The outcome of a finished job, if the journal has it. */
    Optional<JobOutcome> outcome(String requestId);

    /**
     * Jobs a restart cut off, with what was done about them: completes once the deployer has settled them all (at
     * start, on its worker, before any new job runs), with an empty list when there were none.
     *
     * @since 2.0 (1.x returned the list at once, which a caller could ask for before the settling had finished)
     */
    CompletionStage<List<JobOutcome>> recovered();

    /**
     * Whether the bundle with this id is protected: no job may stop, update or uninstall it (the framework, the core
     * runtime, the backbone, the control and deployment bundles, and any bundle whose manifest says
     * {@code Morphgate-Protected: true}, such as ONNX Runtime). False for an id no bundle has.
     *
     * @since 2.0
     */
    boolean isProtected(long bundleId);

    /** Stores a chunk of a jar sent inline; the jar is then installed with source {@code upload:<uploadId>}. */
    void upload(String uploadId, int index, int count, byte[] bytes) throws DeploymentException;
}
