package io.morphgate.deployment.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;


import io.morphgate.api.deployment.DeploymentException;
import io.morphgate.api.deployment.DeploymentRequest.Action;
import io.morphgate.api.deployment.JobProgress.Stage;

/**
 * Jobs a restart cut off, settled at the next start from what the journal says they were changing: bundles an install
 * had installed are uninstalled, an update goes back to the kept jar, a feature removal is completed. START, STOP and
 * UNINSTALL left nothing half done to undo. A job rolled back this way ends with INTERRUPTED: it may be sent again.
 */
final class Recovery {

    private final FrameworkOps ops;
    private final UpdateJob updates;
    private final BundleCommands commands;

    Recovery(FrameworkOps ops, UpdateJob updates, BundleCommands commands) {
        this.ops = ops;
        this.updates = updates;
        this.commands = commands;
    }

    void recover(JobRun run) {
        JobRecord record = run.record();
        String cutAt = "cut off by a restart at " + record.stage + " (" + record.message + ")";
        run.changing(r -> r.recovered = true);
        if (Action.UNINSTALL_FEATURE.name().equals(record.action) && !record.installedLocations.isEmpty()) {
            try {
                commands.uninstallFeature(record.featureId, record.installedLocations, run);
            } catch (DeploymentException e) {
                run.end(Stage.FAILED, e.code(), cutAt + "; completing the removal failed: " + e.getMessage(), List.of());
            }
            return;
        }
        List<String> undone = new ArrayList<>();
        for (String location : record.installedLocations) {
            ops.byLocation(location).filter(ops::uninstallQuietly).ifPresent(b -> undone.add("uninstalled " + b.getSymbolicName()));
        }
        if (record.updatedLocation != null && record.previousJar != null && Files.exists(Path.of(record.previousJar))) {
            ops.byLocation(record.updatedLocation)
                    .ifPresent(b -> undone.add(updates.restore(b, Path.of(record.previousJar))));
        }
        List<String> left = record.updatedLocation == null ? List.of()
                : ops.byLocation(record.updatedLocation).map(FrameworkOps::name).map(List::of).orElse(List.of());
        // nothing failed but the timing: INTERRUPTED tells the cloud it may send the job again (with a new id)
        run.end(Stage.ROLLED_BACK, DeploymentException.Code.INTERRUPTED,
                cutAt + "; " + (undone.isEmpty() ? "nothing to undo" : String.join(", ", undone))
                        + "; send it again with a new request id", left);
    }
}
