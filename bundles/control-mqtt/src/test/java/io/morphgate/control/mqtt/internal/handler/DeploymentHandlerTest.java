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
    /** The base64 of 64 bytes, the size of an Ed25519 signature. */
    private static final String SIGNATURE = java.util.Base64.getEncoder().encodeToString(new byte[64]);

    private Reply install(String requestId) throws Exception {
        return new InstallHandler(() -> Optional.of(jobs), events).handle(command("install", "{\"requestId\":\""
                + requestId + "\",\"artifact\":{\"url\":\"https://repo/x.jar\",\"sha256\":\"" + sha + "\"}}"))
                .toCompletableFuture().get();
    }

    @Test
    void eachOutcomeIsPublishedOnceAsTheFinalEvent() throws Exception {
        Reply accepted = install("r-1");
        jobs.progress.accept(new JobProgress("r-1", JobProgress.Stage.STARTING, 60, "starting"));
        // the deployer reports the end as progress too, then completes the job
        jobs.progress.accept(new JobProgress("r-1", JobProgress.Stage.COMMITTED, 100, "committed"));
        jobs.outcome.complete(new JobOutcome("r-1", JobProgress.Stage.COMMITTED, Optional.empty(), "committed",
                List.of("x 1.0.0"), false));
        accepted.then().orElseThrow().toCompletableFuture().get(1, TimeUnit.SECONDS);
        var events = outbox.messages.stream().filter(m -> m.topic().equals("event/job")).map(m -> m.json()).toList();
        assertEquals(2, events.size(), events.toString());
        assertEquals("STARTING", events.get(0).get("stage").getAsString());
        assertFalse(events.get(0).get("final").getAsBoolean());
        assertEquals("COMMITTED", events.get(1).get("stage").getAsString());
        assertTrue(events.get(1).get("final").getAsBoolean());
    }

    @Test
    void aJobCutOffByTheDeployerStoppingHasNoOutcomeYet() throws Exception {
        Reply accepted = install("r-1");
        jobs.outcome.completeExceptionally(new InterruptedException());
        Thread.sleep(100);
        assertTrue(outbox.messages.stream().noneMatch(m -> m.topic().equals("event/job") && m.json().get("final")
                .getAsBoolean()), "no final event: the recovered outcome follows when the deployer is back");
        assertFalse(accepted.then().orElseThrow().toCompletableFuture().isDone(), "'accepted' stays the stored reply");
    }

    @Test
    void aRecoveredJobThatWasRolledBackIsAnsweredInterrupted() {
        Reply reply = DeploymentHandler.reply("r-1", "install", new JobOutcome("r-1", JobProgress.Stage.ROLLED_BACK,
                Optional.of(DeploymentException.Code.INTERRUPTED), "cut off by a restart at STARTING", List.of(), true));
        assertEquals("INTERRUPTED", reply.error().orElseThrow().code());
        assertTrue(reply.result().orElseThrow().getAsJsonObject().get("recovered").getAsBoolean());
    }

    @Test
    void installIsAcceptedAtOnceThenProgressThenTheOutcome() throws Exception {
        InstallHandler install = new InstallHandler(() -> Optional.of(jobs), events);
        Reply accepted = install.handle(command("install", "{\"requestId\":\"r-1\",\"artifact\":{\"url\":\"https://repo/x.jar\","
                + "\"sha256\":\"" + sha.toUpperCase() + "\",\"signature\":\"" + SIGNATURE + "\",\"keyId\":\"cloud-1\",\"size\":10}}"))
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
