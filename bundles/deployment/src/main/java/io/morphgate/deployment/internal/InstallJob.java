package io.morphgate.deployment.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.osgi.framework.Bundle;

import io.morphgate.api.deployment.Artifact;
import io.morphgate.api.deployment.DeploymentException;
import io.morphgate.api.deployment.DeploymentException.Code;
import io.morphgate.api.deployment.JobProgress.Stage;
import io.morphgate.deployment.internal.Staging.StagedJar;

/**
 * INSTALL and INSTALL_FEATURE, all or nothing: every jar is fetched and verified before the first is installed; then
 * all are installed, started and health-checked; any failure uninstalls every one of them.
 */
final class InstallJob {

    private final FrameworkOps ops;
    private final Staging staging;
    private final HealthCheck health;
    private final JobJournal journal;

    InstallJob(FrameworkOps ops, Staging staging, HealthCheck health, JobJournal journal) {
        this.ops = ops;
        this.staging = staging;
        this.health = health;
        this.journal = journal;
    }

    void run(List<Artifact> artifacts, Optional<String> featureId, JobRun run)
            throws DeploymentException, InterruptedException {
        List<StagedJar> jars = stageAll(artifacts, run);
        List<Bundle> installed = new ArrayList<>();
        try {
            for (StagedJar jar : jars) {
                run.stage(Stage.INSTALLING, 55, "installing " + jar.facts().symbolicName() + " " + jar.facts().version());
                run.changing(r -> r.installedLocations.add(jar.location()));
                installed.add(ops.install(jar.location(), jar.file()));
            }
            for (Bundle b : installed) {
                run.stage(Stage.STARTING, 65, "starting " + FrameworkOps.name(b));
                ops.start(b);
            }
            for (Bundle b : installed) {
                run.stage(Stage.HEALTH_CHECK, 75, "checking " + FrameworkOps.name(b));
                String verdict = health.check(b, note -> run.stage(Stage.HEALTH_CHECK, 80, FrameworkOps.name(b) + ": " + note));
                run.stage(Stage.HEALTH_CHECK, 95, FrameworkOps.name(b) + ": " + verdict);
            }
        } catch (DeploymentException e) {
            installed.forEach(ops::uninstallQuietly);
            run.end(Stage.ROLLED_BACK, e.code(), e.getMessage() + "; rolled back: uninstalled "
                    + (installed.isEmpty() ? "nothing" : installed.stream().map(FrameworkOps::name).toList()), List.of());
            return;
        } finally {
            jars.forEach(j -> Staging.discard(j.file()));
        }
        featureId.ifPresent(id -> journal.recordFeature(id, jars.stream().map(StagedJar::location).toList()));
        List<String> names = installed.stream().map(FrameworkOps::name).toList();
        run.commit("installed and healthy: " + names + featureId.map(id -> " (feature " + id + ")").orElse(""), names);
    }

    private List<StagedJar> stageAll(List<Artifact> artifacts, JobRun run) throws DeploymentException {
        List<StagedJar> jars = new ArrayList<>();
        Set<String> names = new HashSet<>();
        try {
            for (int i = 0; i < artifacts.size(); i++) {
                int from = 5 + 45 * i / artifacts.size();
                int to = 5 + 45 * (i + 1) / artifacts.size();
                StagedJar jar = staging.stage(artifacts.get(i), run, from, to);
                jars.add(jar);
                String bsn = jar.facts().symbolicName();
                ProtectedBundles.checkName(bsn);
                if (!names.add(bsn)) {
                    throw new DeploymentException(Code.INVALID_ARGUMENT, bsn + " is listed twice in the feature");
                }
                if (ops.bySymbolicName(bsn).isPresent()) {
                    throw new DeploymentException(Code.INVALID_ARGUMENT, bsn + " is already installed; use UPDATE "
                            + "to replace it");
                }
            }
            return jars;
        } catch (DeploymentException e) {
            jars.forEach(j -> Staging.discard(j.file()));
            throw e;
        }
    }
}
