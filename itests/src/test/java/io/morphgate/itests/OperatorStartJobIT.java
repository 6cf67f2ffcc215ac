package io.morphgate.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import io.morphgate.api.deployment.Deployer;
import io.morphgate.api.deployment.DeploymentRequest;
import io.morphgate.api.deployment.DeploymentRequest.Action;
import io.morphgate.api.deployment.JobOutcome;
import io.morphgate.api.deployment.JobProgress.Stage;
import io.morphgate.api.inference.InferenceService;
import io.morphgate.api.model.ModelControl;

/**
 * A start job of an operator bundle, under inference load, as the cloud's {@code start} command runs it: its outcome
 * comes once the backbone has a verdict on every variant the operator offers, derived ones included. Prints how long
 * each start and stop job took until its outcome (docs/benchmarks/load.md's "start (until the job's outcome)", without
 * MQTT), with the load average.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class OperatorStartJobIT extends TestSupport {

    private static final String LOWRANK = "io.morphgate.operator.lowrank";
    private static final int CYCLES = 6;

    @Configuration
    public Option[] configuration() {
        return gatewayOptions("morphgate-core", "morphgate-operator-lowrank");
    }

    @Test
    public void aStartJobEndsWithAVerdictOnTheWholeOffer() throws Exception {
        ModelControl control = service(ModelControl.class, 10_000);
        Deployer deployer = service(Deployer.class, 10_000);
        awaitSettled(LOWRANK, 500);
        long offered = accepted(control, bundle(LOWRANK));
        List<Double> startMillis = new ArrayList<>();
        List<Double> stopMillis = new ArrayList<>();
        List<JobOutcome> starts = new ArrayList<>();
        List<Long> acceptedAtOutcome = new ArrayList<>();
        try (InferenceLoad load = new InferenceLoad(service(InferenceService.class, 10_000), 2)) {
            for (int i = 0; i < CYCLES; i++) {
                JobOutcome stopped = run(deployer, "stop-" + i, Action.STOP, stopMillis);
                assertEquals(stopped.toString(), Stage.COMMITTED, stopped.stage());
                starts.add(run(deployer, "start-" + i, Action.START, startMillis));
                acceptedAtOutcome.add(accepted(control, bundle(LOWRANK)));
            }
            assertTrue("requests failed while the operator stopped and started: " + load.failures(),
                    load.failures().isEmpty());
        }
        System.out.printf(Locale.ROOT, "%s: %d variants; stop job ms %s; start job ms %s; accepted when the start job "
                + "ended %s; load average %s%n", LOWRANK, offered, stopMillis, startMillis, acceptedAtOutcome,
                loadAverage());
        for (JobOutcome started : starts) {
            assertEquals(started.toString(), Stage.COMMITTED, started.stage());
            assertTrue(started.message(), started.message().endsWith(offered + " variants accepted"));
        }
        assertEquals("every variant of the offer has the backbone's verdict when the job ends",
                java.util.Collections.nCopies(CYCLES, offered), acceptedAtOutcome);
    }

    /** Runs a job and adds its duration until the outcome; prints each stage it went through, with its time. */
    private static JobOutcome run(Deployer deployer, String id, Action action, List<Double> millis)
            throws Exception {
        long t0 = System.nanoTime();
        List<String> stages = new java.util.concurrent.CopyOnWriteArrayList<>();
        JobOutcome outcome = deployer.submit(new DeploymentRequest(id, action, Optional.of(LOWRANK), Optional.empty(),
                Optional.empty()), p -> stages.add(String.format(Locale.ROOT, "+%.1f ms %s %s", (System.nanoTime() - t0)
                        / 1e6, p.stage(), p.message()))).toCompletableFuture().get(60, TimeUnit.SECONDS);
        millis.add(Math.round((System.nanoTime() - t0) / 1e5) / 10.0);
        System.out.println(id + ": " + String.join("; ", stages));
        return outcome;
    }

    private static long accepted(ModelControl control, Bundle operator) {
        return control.status().variants().stream()
                .filter(v -> v.bundleId() == operator.getBundleId() && v.accepted()).count();
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
