package io.morphgate.deployment.internal;

import java.util.List;

import org.osgi.framework.Bundle;

import io.morphgate.api.deployment.Artifact;
import io.morphgate.api.deployment.DeploymentException;
import io.morphgate.api.deployment.DeploymentException.Code;
import io.morphgate.api.deployment.JobProgress.Stage;
import io.morphgate.deployment.internal.Staging.StagedJar;

/**
 * UPDATE: keeps the running jar, updates to the verified one, starts and health-checks it; on any failure updates
 * back to the kept jar, so the gateway runs what it ran before.
 */
final class UpdateJob {

    private final FrameworkOps ops;
    private final Staging staging;
    private final HealthCheck health;
    private final PreviousJars previous;

    UpdateJob(FrameworkOps ops, Staging staging, HealthCheck health, PreviousJars previous) {
        this.ops = ops;
        this.staging = staging;
        this.health = health;
        this.previous = previous;
    }

    void run(Bundle bundle, Artifact artifact, JobRun run) throws DeploymentException, InterruptedException {
        StagedJar jar = staging.stage(artifact, run, 5, 50);
        String before = FrameworkOps.name(bundle);
        try {
            if (!jar.facts().symbolicName().equals(bundle.getSymbolicName())) {
                throw new DeploymentException(Code.INVALID_ARGUMENT, "the jar is " + jar.facts().symbolicName()
                        + ", not " + bundle.getSymbolicName() + "; an update keeps the symbolic name");
            }
            var kept = previous.keep(bundle);
            run.changing(r -> {
                r.updatedLocation = bundle.getLocation();
                r.previousJar = kept.toString();
            });
            try {
                run.stage(Stage.INSTALLING, 55, "updating " + before + " to " + jar.facts().version());
                ops.update(bundle, jar.file());
                ops.refresh(List.of(bundle));
                run.stage(Stage.STARTING, 65, "starting " + FrameworkOps.name(bundle));
                ops.start(bundle);
                run.stage(Stage.HEALTH_CHECK, 75, "checking " + FrameworkOps.name(bundle));
                String verdict = health.check(bundle, note -> run.stage(Stage.HEALTH_CHECK, 80, note));
                run.commit("updated " + before + " to " + FrameworkOps.name(bundle) + ": " + verdict,
                        List.of(FrameworkOps.name(bundle)));
            } catch (DeploymentException e) {
                String restored = restore(bundle, kept);
                run.end(Stage.ROLLED_BACK, e.code(), e.getMessage() + "; rolled back: " + restored,
                        List.of(FrameworkOps.name(bundle)));
            }
        } finally {
            Staging.discard(jar.file());
        }
    }

    /** Updates back to the kept jar and starts it; says what it did, for the outcome. */
    String restore(Bundle bundle, java.nio.file.Path kept) {
        try {
            ops.update(bundle, kept);
            ops.refresh(List.of(bundle));
            ops.start(bundle);
            return "restored " + FrameworkOps.name(bundle);
        } catch (DeploymentException e) {
            return "restoring the previous jar FAILED: " + e.getMessage();
        }
    }
}
