package io.morphgate.control.mqtt.internal.handler;

import static io.morphgate.control.mqtt.internal.handler.Fakes.command;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.morphgate.api.deployment.DeploymentException;
import io.morphgate.api.deployment.DeploymentRequest;
import io.morphgate.api.deployment.JobOutcome;
import io.morphgate.api.deployment.JobProgress;
import io.morphgate.control.mqtt.internal.command.CommandException;
import io.morphgate.control.mqtt.internal.command.ErrorCodes;
import io.morphgate.control.mqtt.internal.command.EventPublisher;
import io.morphgate.control.mqtt.internal.command.RecordingOutbox;
import io.morphgate.control.mqtt.internal.command.Reply;

class DeploymentHandlerTest {

    private final Fakes.Jobs jobs = new Fakes.Jobs();
    private final RecordingOutbox outbox = new RecordingOutbox();
    private final EventPublisher events = new EventPublisher(outbox);
    private final String sha = "ab".repeat(32);

    @Test
    void installIsAcceptedAtOnceThenProgressThenTheOutcome() throws Exception {
        InstallHandler install = new InstallHandler(() -> Optional.of(jobs), events);
        Reply accepted = install.handle(command("install", "{\"requestId\":\"r-1\",\"artifact\":{\"url\":\"https://repo/x.jar\","
                + "\"sha256\":\"" + sha.toUpperCase() + "\",\"signature\":\"c2ln\",\"keyId\":\"cloud-1\",\"size\":10}}"))
                .toCompletableFuture().get();
        assertEquals("accepted", accepted.status());
        assertEquals("r-1", accepted.result().orElseThrow().getAsJsonObject().get("jobId").getAsString());
        DeploymentRequest request = jobs.requests.get(0);
        assertEquals(DeploymentRequest.Action.INSTALL, request.action());
        assertEquals(sha, request.artifact().orElseThrow().sha256());
        assertEquals(Optional.of("cloud-1"), request.artifact().orElseThrow().keyId());
        assertEquals(Optional.of(10L), request.artifact().orElseThrow().size());

        jobs.progress.accept(new JobProgress("r-1", JobProgress.Stage.DOWNLOADING, 20, "downloading"));
        assertEquals("DOWNLOADING", outbox.await("event/job", 1).json().get("stage").getAsString());
        jobs.outcome.complete(new JobOutcome("r-1", JobProgress.Stage.ROLLED_BACK,
                Optional.of(DeploymentException.Code.HASH_MISMATCH), "sha256 differs", List.of(), false));
        Reply last = accepted.then().orElseThrow().toCompletableFuture().get(1, TimeUnit.SECONDS);
        assertEquals("error", last.status());
        assertEquals("HASH_MISMATCH", last.error().orElseThrow().code());
        var event = outbox.await("event/job", 2).json();
        assertTrue(event.get("final").getAsBoolean());
        assertEquals("HASH_MISMATCH", event.get("error").getAsString());
    }

    @Test
    void refusalsOfTheDeployerAreTheReply() {
        jobs.refusal = new DeploymentException(DeploymentException.Code.BUSY, "a job is running");
        CommandException e = assertThrows(CommandException.class, () -> new StartHandler(() -> Optional.of(jobs), events).handle(command("start", "{\"requestId\":\"r-1\",\"symbolicName\":\"x\"}")));
        assertEquals("BUSY", e.code());
    }

    @Test
    void withoutADeployerEveryDeploymentVerbIsUnavailable() {
        for (String name : List.of("io.morphgate.onnxruntime", "io.morphgate.operator.lowrank")) {
            CommandException e = assertThrows(CommandException.class, () -> new StopHandler(Optional::empty,
                    events).handle(command("stop", "{\"requestId\":\"r-1\",\"symbolicName\":\"" + name + "\"}")));
            assertEquals(ErrorCodes.UNAVAILABLE, e.code(), name);
        }
    }

    @Test
    void bundlesReportsProtectionAsTheDeployerJudgesIt() throws Exception {
        var context = Fakes.context(Fakes.bundle(0, "org.apache.felix.framework", false),
                Fakes.bundle(7, "io.morphgate.operator.lowrank", false));
        jobs.protectedIds.add(0L);
        var bundles = new BundlesHandler(context, () -> Optional.of(jobs))
                .handle(command("bundles", "{\"requestId\":\"r-1\"}")).toCompletableFuture().get()
                .result().orElseThrow().getAsJsonObject().getAsJsonArray("bundles");
        assertTrue(bundles.get(0).getAsJsonObject().get("protected").getAsBoolean());
        assertFalse(bundles.get(1).getAsJsonObject().get("protected").getAsBoolean());
        var unknown = new BundlesHandler(context, Optional::empty)
                .handle(command("bundles", "{\"requestId\":\"r-2\"}")).toCompletableFuture().get()
                .result().orElseThrow().getAsJsonObject().getAsJsonArray("bundles");
        assertTrue(unknown.get(0).getAsJsonObject().get("protected").isJsonNull(), "no deployer: unknown");
    }
}
