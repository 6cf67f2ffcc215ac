package io.morphgate.api.deployment;

/**
 * A step of a running job, published as an event.
 *
 * @param requestId the job
 * @param stage     where it is
 * @param percent   0..100 within the whole job, when known (-1 otherwise)
 * @param message   for a person
 */
public record JobProgress(String requestId, Stage stage, int percent, String message) {

    /**
     * The stages of a job, in order; a job ends in COMMITTED, ROLLED_BACK or FAILED. Installs, updates and starts go
     * through QUEUED, DOWNLOADING, VERIFYING, INSTALLING, STARTING, HEALTH_CHECK (those that apply); a stop through
     * QUEUED, STOPPING; an uninstall (of a bundle or a feature) through QUEUED, UNINSTALLING.
     */
    public enum Stage {
        QUEUED, DOWNLOADING, VERIFYING, INSTALLING, STARTING, HEALTH_CHECK,
        /** @since 2.1 */
        STOPPING,
        /** @since 2.1 */
        UNINSTALLING,
        COMMITTED, ROLLED_BACK, FAILED
    }
}
