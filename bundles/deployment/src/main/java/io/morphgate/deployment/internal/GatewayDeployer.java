package io.morphgate.deployment.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

import io.morphgate.api.deployment.Deployer;
import io.morphgate.api.deployment.DeploymentException;
import io.morphgate.api.deployment.DeploymentRequest;
import io.morphgate.api.deployment.JobOutcome;
import io.morphgate.api.deployment.JobProgress;
import io.morphgate.api.deployment.JobProgress.Stage;
import io.morphgate.api.model.ModelControl;

/**
 * The deployer: accepts jobs, runs them one at a time on its own worker, journals every stage, and at activation
 * settles the jobs a restart cut off. The steps themselves live in {@link InstallJob}, {@link UpdateJob} and
 * {@link BundleCommands}; checks that can refuse a request before it runs in {@link RequestCheck}.
 *
 * <p>The backbone is an optional, dynamic reference: the deployer must keep working (start, stop, remove bundles)
 * while the backbone is away; only the health check of a bundle with variants needs it.
 */
@Component(service = Deployer.class, configurationPid = "morphgate.deployment", immediate = true)
@Designate(ocd = DeploymentConfiguration.class)
public class GatewayDeployer implements Deployer {

    private static final System.Logger LOG = System.getLogger(GatewayDeployer.class.getName());
    static final int OUTCOMES_KEPT = 500;
    static final Duration SETTLE = Duration.ofSeconds(2);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ModelControl control;

    private final boolean requireSignature;
    private final JobJournal journal;
    private final UploadStore uploads;
    private final JobQueue queue;
    private final RequestCheck check;
    private final JobDispatch dispatch;
    private final Map<String, JobRun> running = new ConcurrentHashMap<>();
    private final List<JobOutcome> recovered = new CopyOnWriteArrayList<>();
    private final CompletableFuture<List<JobOutcome>> recoveryDone = new CompletableFuture<>();
    private final BundleContext context;

    @Activate
    public GatewayDeployer(BundleContext context, DeploymentConfiguration config) throws IOException {
        this.context = context;
        Path data = DataDirectories.data(context, config.dataDirectory());
        Path keys = DataDirectories.trustedKeys(context, config.trustedKeysDirectory(), data);
        this.requireSignature = config.requireSignature();
        this.journal = new JobJournal(data, OUTCOMES_KEPT);
        this.uploads = new UploadStore(data.resolve("uploads"), config.maxArtifactBytes());
        FrameworkOps ops = new FrameworkOps(context);
        FileSources files = DataDirectories.fileSources(context, data, config.allowedFileDirectories());
        ArtifactFetcher fetcher = new ArtifactFetcher(data.resolve("downloads"), uploads, files,
                config.maxArtifactBytes(), Duration.ofSeconds(config.downloadTimeoutSeconds()));
        Staging staging = new Staging(fetcher, new ArtifactVerifier(new TrustedKeys(keys), requireSignature,
                config.maxArtifactBytes()));
        HealthCheck health = new HealthCheck(() -> Optional.ofNullable(control),
                Duration.ofSeconds(config.healthCheckTimeoutSeconds()),
                Duration.ofSeconds(config.modelCheckTimeoutSeconds()), SETTLE);
        this.check = new RequestCheck(ops, journal);
        this.dispatch = new JobDispatch(ops, staging, health, journal, new PreviousJars(data.resolve("previous")),
                uploads);
        this.queue = new JobQueue(config.queueCapacity());
        LOG.log(Level.INFO, "deployer ready: data {0}, trusted keys {1}, max {2} bytes, queue {3}, file: URLs from "
                + "{4}", data, keys, config.maxArtifactBytes(), config.queueCapacity(), files);
        warnIfUnsigned("activation");
        recoverCutOffJobs();
    }

    @Deactivate
    void deactivate() {
        queue.close();
        LOG.log(Level.INFO, "deployer stopped; {0} jobs left unfinished for the next start", running.size());
    }

    @Override
    public CompletionStage<JobOutcome> submit(DeploymentRequest request, Consumer<JobProgress> progress)
            throws DeploymentException {
        check.wellFormed(request);
        synchronized (this) {
            JobRun current = running.get(request.requestId());
            if (current != null) {
                current.follow(progress);
                return current.outcome();
            }
            Optional<JobRecord> seen = journal.read(request.requestId());
            if (seen.isPresent()) {
                JobOutcome outcome = seen.get().outcome();
                LOG.log(Level.INFO, "job {0} seen before ({1}): not run again", request.requestId(), outcome.stage());
                progress.accept(seen.get().progress());
                return CompletableFuture.completedFuture(outcome);
            }
            check.runnable(request);
            JobRun run = new JobRun(JobRecord.queued(request.requestId(), request.action().name()), journal, progress);
            run.changing(r -> {
                r.symbolicName = request.symbolicName().orElse(null);
                r.featureId = request.feature().map(DeploymentRequest.Feature::id).orElse(null);
            });
            running.put(request.requestId(), run);
            // the worker waits until QUEUED is announced, so that no stage of the job can be reported before it
            CountDownLatch announced = new CountDownLatch(1);
            try {
                queue.submit(() -> {
                    awaitAnnouncement(announced);
                    execute(request, run);
                });
            } catch (DeploymentException busy) {
                running.remove(request.requestId());
                journal.forget(request.requestId());
                throw busy;
            }
            run.stage(Stage.QUEUED, 0, "queued; " + queue.waiting() + " jobs waiting");
            announced.countDown();
            return run.outcome();
        }
    }

    private static void awaitAnnouncement(CountDownLatch announced) {
        try {
            announced.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isProtected(long bundleId) {
        org.osgi.framework.Bundle bundle = context.getBundle(bundleId);
        return bundle != null && ProtectedBundles.isProtected(bundle);
    }

    @Override
    public Optional<JobOutcome> outcome(String requestId) {
        return journal.read(requestId).filter(JobRecord::isFinal).map(JobRecord::outcome);
    }

    @Override
    public CompletionStage<List<JobOutcome>> recovered() {
        return recoveryDone.copy();
    }

    @Override
    public void upload(String uploadId, int index, int count, byte[] bytes) throws DeploymentException {
        uploads.store(uploadId, index, count, bytes);
    }

    private void execute(DeploymentRequest request, JobRun run) {
        warnIfUnsigned("job " + request.requestId());
        try {
            dispatch.run(request, run);
        } catch (InterruptedException e) {
            LOG.log(Level.WARNING, "job {0} cut off at {1} by the deployer stopping; settled at the next start",
                    request.requestId(), run.record().stage);
            run.outcome().completeExceptionally(e);
            Thread.currentThread().interrupt();
        } finally {
            running.remove(request.requestId());
            prune();
        }
    }

    /** Jobs a restart cut off are settled first, on the worker, before any new job runs. */
    private void recoverCutOffJobs() throws IOException {
        List<JobRun> runs = journal.unfinished().stream().map(r -> new JobRun(r, journal, p -> { })).toList();
        if (runs.isEmpty()) {
            recoveryDone.complete(List.of());
            return;
        }
        for (JobRun run : runs) {
            running.put(run.record().requestId, run);
            run.outcome().thenAccept(recovered::add);
        }
        try {
            queue.submit(() -> {
                runs.forEach(run -> {
                    try {
                        dispatch.recover(run);
                    } finally {
                        running.remove(run.record().requestId);
                    }
                });
                recoveryDone.complete(List.copyOf(recovered));
            });
        } catch (DeploymentException e) {
            throw new IllegalStateException("the new job queue refused the recovery", e);
        }
    }

    private void prune() {
        try {
            journal.prune();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "pruning old jobs failed: {0}", e.toString());
        }
    }

    private void warnIfUnsigned(String when) {
        if (!requireSignature) {
            LOG.log(Level.WARNING, "{0}: requireSignature is false; UNSIGNED jars are accepted. Turn it on for "
                    + "production (PID morphgate.deployment)", when);
        }
    }
}
