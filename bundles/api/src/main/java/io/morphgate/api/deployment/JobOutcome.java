package io.morphgate.api.deployment;

import java.util.List;
import java.util.Optional;

/**
 * How a job ended.
 *
 * @param requestId the job
 * @param stage     COMMITTED, ROLLED_BACK or FAILED
 * @param error     the error code when it did not commit ({@link DeploymentException.Code})
 * @param message   for a person: what happened, and what was restored
 * @param bundles   the bundles the job left installed, as symbolic name and version
 * @param recovered true when the job was cut off by a restart and completed or rolled back at the next start
 */
public record JobOutcome(String requestId, JobProgress.Stage stage, Optional<DeploymentException.Code> error,
        String message, List<String> bundles, boolean recovered) {
}
