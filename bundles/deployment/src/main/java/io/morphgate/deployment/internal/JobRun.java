package io.morphgate.deployment.internal;

import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.morphgate.api.deployment.DeploymentException;
import io.morphgate.api.deployment.JobOutcome;
import io.morphgate.api.deployment.JobProgress;
import io.morphgate.api.deployment.JobProgress.Stage;

/**
 * A job while it runs: every stage goes to the journal (before the work it announces), to the log (one line) and to
 * whoever asked (the submitter and anyone who submitted the same request id since). Percent never goes down.
 */
final class JobRun {

    private static final System.Logger LOG = System.getLogger(JobRun.class.getName());

    private final JobRecord record;
    private final JobJournal journal;
    private final List<Consumer<JobProgress>> listeners = new CopyOnWriteArrayList<>();
    private final CompletableFuture<JobOutcome> outcome = new CompletableFuture<>();

    JobRun(JobRecord record, JobJournal journal, Consumer<JobProgress> listener) {
        this.record = record;
        this.journal = journal;
        listeners.add(listener);
    }

    JobRecord record() {
        return record;
    }

    CompletableFuture<JobOutcome> outcome() {
        return outcome;
    }

    /** Another submitter of the same request id: it hears where the job is now and what comes next. */
    synchronized void follow(Consumer<JobProgress> listener) {
        listeners.add(listener);
        notify(listener, record.progress());
    }

    synchronized void stage(Stage stage, int percent, String message) {
        record.stage = stage;
        record.percent = Math.max(record.percent, percent);
        record.message = message;
        journal.write(record);
        LOG.log(Level.INFO, "job {0} {1} {2}%: {3}", record.requestId, stage, record.percent, message);
        JobProgress progress = record.progress();
        listeners.forEach(l -> notify(l, progress));
    }

    /** Records what the job is about to change, before changing it, so that a restart can undo it. */
    synchronized void changing(Consumer<JobRecord> change) {
        change.accept(record);
        journal.write(record);
    }

    void commit(String message, List<String> bundles) {
        end(Stage.COMMITTED, null, message, bundles);
    }

    /** Ends the job: FAILED when nothing was changed, ROLLED_BACK when changes were undone. */
    void end(Stage stage, DeploymentException.Code error, String message, List<String> bundles) {
        synchronized (this) {
            record.error = error;
            record.bundles = List.copyOf(bundles);
            record.ended = true;
            record.percent = 100;
            record.stage = stage;
            record.message = message;
            try {
                journal.write(record);
            } catch (UncheckedIOException e) {
                // e.g. the disk is full: the outcome is still reported, but a restart will not find it journalled
                LOG.log(Level.ERROR, "job {0}: cannot journal its outcome {1}: {2}", record.requestId, stage,
                        e.getCause());
            }
            Level level = stage == Stage.COMMITTED ? Level.INFO : Level.WARNING;
            LOG.log(level, "job {0} {1}{2}: {3}", record.requestId, stage, error == null ? "" : " " + error, message);
            JobProgress progress = record.progress();
            listeners.forEach(l -> notify(l, progress));
        }
        outcome.complete(record.outcome());
    }

    private void notify(Consumer<JobProgress> listener, JobProgress progress) {
        try {
            listener.accept(progress);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "progress listener of job {0} failed: {1}", record.requestId, e.toString());
        }
    }
}
