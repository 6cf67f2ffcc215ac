package io.morphgate.deployment.internal;

import java.util.ArrayList;
import java.util.List;

import org.osgi.framework.Bundle;

import io.morphgate.api.deployment.DeploymentException;
import io.morphgate.api.deployment.JobProgress.Stage;

/** START, STOP, UNINSTALL and UNINSTALL_FEATURE: plain, but never on a protected bundle. */
final class BundleCommands {

    private final FrameworkOps ops;
    private final HealthCheck health;
    private final JobJournal journal;

    BundleCommands(FrameworkOps ops, HealthCheck health, JobJournal journal) {
        this.ops = ops;
        this.health = health;
        this.journal = journal;
    }

    void start(Bundle bundle, JobRun run) throws DeploymentException, InterruptedException {
        ProtectedBundles.check(bundle, "start");
        run.stage(Stage.STARTING, 30, "starting " + FrameworkOps.name(bundle));
        ops.start(bundle);
        run.stage(Stage.HEALTH_CHECK, 60, "checking " + FrameworkOps.name(bundle));
        try {
            String verdict = health.check(bundle, note -> run.stage(Stage.HEALTH_CHECK, 70, note));
            run.commit("started " + FrameworkOps.name(bundle) + ": " + verdict, List.of(FrameworkOps.name(bundle)));
        } catch (DeploymentException e) {
            ops.stop(bundle);
            run.end(Stage.ROLLED_BACK, e.code(), e.getMessage() + "; rolled back: stopped it again",
                    List.of(FrameworkOps.name(bundle)));
        }
    }

    void stop(Bundle bundle, JobRun run) throws DeploymentException {
        ProtectedBundles.check(bundle, "stop");
        run.stage(Stage.STOPPING, 50, "stopping " + FrameworkOps.name(bundle));
        ops.stop(bundle);
        run.commit("stopped " + FrameworkOps.name(bundle), List.of(FrameworkOps.name(bundle)));
    }

    void uninstall(Bundle bundle, JobRun run) throws DeploymentException {
        ProtectedBundles.check(bundle, "uninstall");
        String name = FrameworkOps.name(bundle);
        run.stage(Stage.UNINSTALLING, 50, "uninstalling " + name);
        if (!ops.uninstallQuietly(bundle)) {
            throw new DeploymentException(DeploymentException.Code.INTERNAL, "uninstalling " + name + " failed");
        }
        run.commit("uninstalled " + name, List.of());
    }

    /** Removes the bundles the feature's install brought; already gone ones are skipped. Idempotent (recovery). */
    void uninstallFeature(String featureId, List<String> locations, JobRun run) throws DeploymentException {
        List<Bundle> bundles = new ArrayList<>();
        for (String location : locations) {
            var bundle = ops.byLocation(location);
            if (bundle.isPresent()) {
                ProtectedBundles.check(bundle.get(), "uninstall");
                bundles.add(bundle.get());
            }
        }
        run.stage(Stage.UNINSTALLING, 50, "uninstalling feature " + featureId + ": "
                + bundles.stream().map(FrameworkOps::name).toList());
        List<String> failed = new ArrayList<>();
        bundles.stream().filter(b -> !ops.uninstallQuietly(b)).forEach(b -> failed.add(FrameworkOps.name(b)));
        if (!failed.isEmpty()) {
            throw new DeploymentException(DeploymentException.Code.INTERNAL, "feature " + featureId
                    + ": uninstalling " + failed + " failed");
        }
        try {
            journal.forgetFeature(featureId);
        } catch (java.io.IOException e) {
            throw new DeploymentException(DeploymentException.Code.INTERNAL, "cannot update the journal: " + e, e);
        }
        run.commit("uninstalled feature " + featureId + ": " + bundles.size() + " bundles", List.of());
    }
}
