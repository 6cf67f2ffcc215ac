package io.morphgate.deployment.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.morphgate.api.deployment.DeploymentException.Code;
import io.morphgate.api.deployment.JobOutcome;
import io.morphgate.api.deployment.JobProgress;
import io.morphgate.api.deployment.JobProgress.Stage;

/** The stage a job reports says what it does; a job cut off by a restart ends INTERRUPTED, not INTERNAL. */
class JobStagesTest {

    @TempDir
    Path dir;

    private final FakeFramework framework = new FakeFramework();
    private FrameworkOps ops;
    private JobJournal journal;
    private BundleCommands commands;

    @BeforeEach
    void setUp() throws Exception {
        framework.add("System Bundle", "org.apache.felix.framework", Map.of());
        ops = new FrameworkOps(framework.context());
        journal = new JobJournal(dir, 100);
        commands = new BundleCommands(ops, null, journal);
    }

    private List<Stage> stages(List<JobProgress> progress) {
        return progress.stream().map(JobProgress::stage).toList();
    }

    @Test
    void stopReportsStopping() throws Exception {
        var bundle = framework.add("deployment:op", "io.example.op", Map.of());
        List<JobProgress> progress = new CopyOnWriteArrayList<>();
        JobRun run = new JobRun(JobRecord.queued("stop-1", "STOP"), journal, progress::add);
        commands.stop(bundle, run);
        assertEquals(List.of(Stage.STOPPING, Stage.COMMITTED), stages(progress));
        assertEquals(Stage.COMMITTED, run.outcome().get().stage());
    }

    @Test
    void uninstallReportsUninstalling() throws Exception {
        var bundle = framework.add("deployment:op", "io.example.op", Map.of());
        List<JobProgress> progress = new CopyOnWriteArrayList<>();
        commands.uninstall(bundle, new JobRun(JobRecord.queued("rm-1", "UNINSTALL"), journal, progress::add));
        assertEquals(List.of(Stage.UNINSTALLING, Stage.COMMITTED), stages(progress));
        assertEquals(List.of("io.example.op"), framework.uninstalled);
    }

    @Test
    void uninstallingAFeatureReportsUninstalling() throws Exception {
        framework.add("deployment:a", "io.example.a", Map.of());
        List<JobProgress> progress = new CopyOnWriteArrayList<>();
        commands.uninstallFeature("f", List.of("deployment:a"),
                new JobRun(JobRecord.queued("rmf-1", "UNINSTALL_FEATURE"), journal, progress::add));
        assertEquals(List.of(Stage.UNINSTALLING, Stage.COMMITTED), stages(progress));
    }

    @Test
    void aJobCutOffByARestartIsRolledBackAsInterrupted() throws Exception {
        framework.add("deployment:half", "io.example.half", Map.of());
        JobRecord record = JobRecord.queued("install-1", "INSTALL");
        record.stage = Stage.STARTING;
        record.message = "starting io.example.half";
        record.installedLocations.add("deployment:half");
        JobRun run = new JobRun(record, journal, p -> { });
        new Recovery(ops, null, commands).recover(run);
        JobOutcome outcome = run.outcome().get();
        assertEquals(Stage.ROLLED_BACK, outcome.stage());
        assertEquals(Code.INTERRUPTED, outcome.error().orElseThrow());
        assertTrue(outcome.recovered());
        assertTrue(outcome.message().contains("cut off by a restart at STARTING"), outcome.message());
        assertTrue(outcome.message().contains("send it again with a new request id"), outcome.message());
        assertEquals(List.of("io.example.half"), framework.uninstalled);
        assertEquals(Code.INTERRUPTED, journal.read("install-1").orElseThrow().error, "journalled so");
    }
}
