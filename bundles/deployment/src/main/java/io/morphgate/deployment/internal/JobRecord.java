package io.morphgate.deployment.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.morphgate.api.deployment.DeploymentException;
import io.morphgate.api.deployment.JobOutcome;
import io.morphgate.api.deployment.JobProgress;
import io.morphgate.api.deployment.JobProgress.Stage;

/**
 * One job as the journal keeps it (Gson, plain fields): the request, where it got to, and what it changed, written
 * before each change, so that a restart can undo exactly that.
 */
final class JobRecord {

    String requestId;
    String action;
    String symbolicName;
    String featureId;
    Stage stage = Stage.QUEUED;
    int percent;
    String message = "";
    DeploymentException.Code error;
    boolean ended;
    boolean recovered;
    long updatedMillis;
    /** Bundle locations this job installs (recorded before installing each). */
    List<String> installedLocations = new ArrayList<>();
    /** For an update: the bundle updated and the copy of its jar before the update. */
    String updatedLocation;
    String previousJar;
    /** What the job left installed, as "symbolicName version". */
    List<String> bundles = new ArrayList<>();

    static JobRecord queued(String requestId, String action) {
        JobRecord r = new JobRecord();
        r.requestId = requestId;
        r.action = action;
        r.message = "queued";
        return r;
    }

    boolean isFinal() {
        return ended;
    }

    JobProgress progress() {
        return new JobProgress(requestId, stage, percent, message);
    }

    JobOutcome outcome() {
        return new JobOutcome(requestId, stage, Optional.ofNullable(error), message, List.copyOf(bundles), recovered);
    }
}
