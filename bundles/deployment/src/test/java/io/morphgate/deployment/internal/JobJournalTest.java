package io.morphgate.deployment.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.morphgate.api.deployment.DeploymentException.Code;
import io.morphgate.api.deployment.JobProgress.Stage;

class JobJournalTest {

    @TempDir
    Path dir;

    @Test
    void keepsEveryStageAcrossARestart() throws Exception {
        JobJournal journal = new JobJournal(dir, 500);
        JobRun run = new JobRun(JobRecord.queued("r-1", "INSTALL"), journal, p -> { });
        run.stage(Stage.DOWNLOADING, 10, "fetching");
        run.changing(r -> r.installedLocations.add("deployment:io.example/abc"));

        JobJournal afterRestart = new JobJournal(dir, 500);
        JobRecord read = afterRestart.read("r-1").orElseThrow();
        assertEquals(Stage.DOWNLOADING, read.stage);
        assertEquals(List.of("deployment:io.example/abc"), read.installedLocations);
        assertEquals(List.of("r-1"), afterRestart.unfinished().stream().map(r -> r.requestId).toList());
        assertFalse(Files.list(dir.resolve("jobs")).anyMatch(f -> f.toString().endsWith(".tmp")));
    }

    @Test
    void keepsTheNewestOutcomesOnly() throws Exception {
        JobJournal journal = new JobJournal(dir, 3);
        for (int i = 0; i < 5; i++) {
            new JobRun(JobRecord.queued("job-" + i, "STOP"), journal, p -> { }).commit("done", List.of());
            Thread.sleep(5);
        }
        journal.prune();
        assertTrue(journal.read("job-0").isEmpty());
        assertTrue(journal.read("job-1").isEmpty());
        assertEquals(Stage.COMMITTED, journal.read("job-4").orElseThrow().outcome().stage());
    }

    @Test
    void namesFilesSafelyWhateverTheRequestId() throws Exception {
        JobJournal journal = new JobJournal(dir, 10);
        new JobRun(JobRecord.queued("../../etc/passwd", "STOP"), journal, p -> { })
                .end(Stage.FAILED, Code.NO_SUCH_BUNDLE, "no", List.of());
        assertEquals(Code.NO_SUCH_BUNDLE, journal.read("../../etc/passwd").orElseThrow().outcome().error().orElseThrow());
        assertTrue(JobJournal.fileName("../../etc/passwd").startsWith("h-"));
    }

    @Test
    void recoveryUninstallsWhatAnInstallCutOffHadInstalled() throws Exception {
        FakeFramework framework = new FakeFramework();
        framework.add("System Bundle", "org.apache.felix.framework", Map.of());
        framework.add("deployment:io.example.op/abc", "io.example.op", Map.of());
        JobJournal journal = new JobJournal(dir, 10);
        JobRun cut = new JobRun(JobRecord.queued("r-2", "INSTALL"), journal, p -> { });
        cut.changing(r -> r.installedLocations.add("deployment:io.example.op/abc"));
        cut.stage(Stage.HEALTH_CHECK, 80, "checking");

        JobJournal afterRestart = new JobJournal(dir, 10);
        FrameworkOps ops = new FrameworkOps(framework.context());
        Recovery recovery = new Recovery(ops, new UpdateJob(ops, null, null, null),
                new BundleCommands(ops, null, afterRestart));
        JobRun run = new JobRun(afterRestart.unfinished().get(0), afterRestart, p -> { });
        recovery.recover(run);

        assertEquals(List.of("io.example.op"), framework.uninstalled);
        var outcome = afterRestart.read("r-2").orElseThrow().outcome();
        assertEquals(Stage.ROLLED_BACK, outcome.stage());
        assertTrue(outcome.recovered());
        assertTrue(outcome.message().contains("uninstalled io.example.op"), outcome.message());
        assertTrue(afterRestart.unfinished().isEmpty());
    }

    @Test
    void recoveryCompletesAFeatureRemoval() throws Exception {
        FakeFramework framework = new FakeFramework();
        framework.add("System Bundle", "org.apache.felix.framework", Map.of());
        framework.add("deployment:a/1", "a", Map.of());
        JobJournal journal = new JobJournal(dir, 10);
        journal.recordFeature("f", List.of("deployment:a/1", "deployment:b/2"));
        JobRun cut = new JobRun(JobRecord.queued("r-3", "UNINSTALL_FEATURE"), journal, p -> { });
        cut.changing(r -> {
            r.featureId = "f";
            r.installedLocations = List.of("deployment:a/1", "deployment:b/2");
        });
        FrameworkOps ops = new FrameworkOps(framework.context());
        new Recovery(ops, null, new BundleCommands(ops, null, journal)).recover(cut);
        assertEquals(List.of("a"), framework.uninstalled);
        assertEquals(Stage.COMMITTED, journal.read("r-3").orElseThrow().outcome().stage());
        assertTrue(journal.featureLocations("f").isEmpty());
    }
}
