package io.morphgate.deployment.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Optional;

import io.morphgate.api.deployment.DeploymentException;
import io.morphgate.api.deployment.DeploymentException.Code;
import io.morphgate.api.deployment.DeploymentRequest;
import io.morphgate.api.deployment.JobProgress.Stage;

/**
 * Runs one job on the worker: the action's steps, and FAILED with the code when a step refuses before anything
 * changed (the steps themselves end the job ROLLED_BACK when they undo something).
 */
final class JobDispatch {

    private static final System.Logger LOG = System.getLogger(JobDispatch.class.getName());

    private final RequestCheck check;
    private final InstallJob installs;
    private final UpdateJob updates;
    private final BundleCommands commands;
    private final Recovery recovery;
    private final JobJournal journal;
    private final UploadStore uploads;

    JobDispatch(FrameworkOps ops, Staging staging, HealthCheck health, JobJournal journal, PreviousJars previous,
            UploadStore uploads) {
        this.check = new RequestCheck(ops, journal);
        this.installs = new InstallJob(ops, staging, health, journal);
        this.updates = new UpdateJob(ops, staging, health, previous);
        this.commands = new BundleCommands(ops, health, journal);
        this.recovery = new Recovery(ops, updates, commands);
        this.journal = journal;
        this.uploads = uploads;
    }

    void run(DeploymentRequest request, JobRun run) throws InterruptedException {
        try {
            switch (request.action()) {
                case INSTALL -> installs.run(List.of(request.artifact().orElseThrow()), Optional.empty(), run);
                case INSTALL_FEATURE -> installs.run(request.feature().orElseThrow().bundles(),
                        Optional.of(request.feature().orElseThrow().id()), run);
                case UPDATE -> updates.run(check.bundle(request, "update"), request.artifact().orElseThrow(), run);
                case START -> commands.start(check.bundle(request, "start"), run);
                case STOP -> commands.stop(check.bundle(request, "stop"), run);
                case UNINSTALL -> commands.uninstall(check.bundle(request, "uninstall"), run);
                case UNINSTALL_FEATURE -> uninstallFeature(request.feature().orElseThrow().id(), run);
            }
        } catch (DeploymentException e) {
            run.end(Stage.FAILED, e.code(), e.getMessage(), List.of());
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "job " + request.requestId() + " failed unexpectedly", e);
            run.end(Stage.FAILED, Code.INTERNAL, "unexpected failure: " + e, List.of());
        } finally {
            discardUploads(request);
        }
    }

    void recover(JobRun run) {
        try {
            recovery.recover(run);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "recovering job " + run.record().requestId + " failed", e);
            run.end(Stage.FAILED, Code.INTERNAL, "recovery failed: " + e, List.of());
        }
    }

    private void uninstallFeature(String featureId, JobRun run) throws DeploymentException {
        List<String> locations = journal.featureLocations(featureId).orElseThrow(() -> new DeploymentException(
                Code.NO_SUCH_FEATURE, "no feature " + featureId + " was installed by the deployer"));
        run.changing(r -> r.installedLocations = List.copyOf(locations));
        commands.uninstallFeature(featureId, locations, run);
    }

    private void discardUploads(DeploymentRequest request) {
        var artifacts = request.feature().map(DeploymentRequest.Feature::bundles)
                .orElse(request.artifact().map(List::of).orElse(List.of()));
        artifacts.stream().filter(a -> "upload".equalsIgnoreCase(a.source().getScheme())).forEach(a -> {
            try {
                uploads.discard(a.source().getSchemeSpecificPart());
            } catch (IOException e) {
                LOG.log(Level.WARNING, "cannot remove upload {0}: {1}", a.source(), e.toString());
            }
        });
    }
}
