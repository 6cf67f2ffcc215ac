package io.morphgate.control.mqtt.internal.handler;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import com.google.gson.JsonObject;

import io.morphgate.api.deployment.Deployer;
import io.morphgate.api.deployment.DeploymentException;
import io.morphgate.api.deployment.DeploymentRequest;
import io.morphgate.api.deployment.JobOutcome;
import io.morphgate.api.deployment.JobProgress;
import io.morphgate.control.mqtt.internal.command.Command;
import io.morphgate.control.mqtt.internal.command.CommandException;
import io.morphgate.control.mqtt.internal.command.CommandHandler;
import io.morphgate.control.mqtt.internal.command.ErrorCodes;
import io.morphgate.control.mqtt.internal.command.EventPublisher;
import io.morphgate.control.mqtt.internal.command.JobJson;
import io.morphgate.control.mqtt.internal.command.Reply;

/**
 * The deployment verbs: each subclass reads its arguments into a {@link DeploymentRequest}; this class hands it to
 * the {@link Deployer}, which queues it (or refuses it with BUSY) and returns at once. The reply is "accepted" with
 * the job id (the request id); progress follows as {@code event/job}, then a final {@code event/job} with the outcome,
 * which also replaces "accepted" as the stored reply.
 */
public abstract class DeploymentHandler implements CommandHandler {

    private static final System.Logger LOG = System.getLogger(DeploymentHandler.class.getName());

    private final Supplier<Optional<Deployer>> deployer;
    private final EventPublisher events;

    protected DeploymentHandler(Supplier<Optional<Deployer>> deployer, EventPublisher events) {
        this.deployer = deployer;
        this.events = events;
    }

    /** The job the command asks for; refuses wrong arguments naming the field. */
    protected abstract DeploymentRequest request(Command command) throws CommandException;

    @Override
    public final CompletionStage<Reply> handle(Command command) throws CommandException {
        DeploymentRequest request = request(command);
        // the deployer refuses protected bundles (PROTECTED_BUNDLE) before it queues anything: one rule, one place
        Deployer jobs = deployer.get().orElseThrow(() -> new CommandException(ErrorCodes.UNAVAILABLE,
                "no deployer is running on this gateway; retry the same request id when it is"));
        CompletionStage<JobOutcome> job;
        try {
            job = jobs.submit(request, events::progress);
        } catch (DeploymentException e) {
            throw new CommandException(e.code().name(), e.getMessage());
        }
        JsonObject accepted = new JsonObject();
        accepted.addProperty("jobId", request.requestId());
        accepted.addProperty("action", request.action().name());
        CompletableFuture<Reply> outcome = new CompletableFuture<>();
        job.whenComplete((done, failure) -> {
            if (done == null && cutOff(failure)) {
                // the deployer stopped mid-job (a restart): its journal has the job, and when the deployer starts
                // again it settles it; that outcome (recovered: true) is then published and replaces "accepted"
                LOG.log(Level.WARNING, "job {0} was cut off by the deployer stopping; its outcome follows when the "
                        + "deployer starts again", command.requestId());
                return;
            }
            try {
                outcome.complete(finalReply(command, done, failure));
            } catch (RuntimeException e) {
                outcome.completeExceptionally(e);
            }
        });
        return CompletableFuture.completedFuture(Reply.accepted(command, accepted, outcome));
    }

    private static boolean cutOff(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause instanceof InterruptedException;
    }

    /** The stored reply once the job has ended, and the final {@code event/job}. */
    private Reply finalReply(Command command, JobOutcome outcome, Throwable failure) {
        JobOutcome ended = outcome != null ? outcome : failed(command.requestId(), failure);
        events.outcome(ended);
        return reply(command.requestId(), command.verb(), ended);
    }

    /** The reply that stands for a finished job: "ok" when committed, otherwise "error" with the job's code. */
    public static Reply reply(String requestId, String verb, JobOutcome outcome) {
        if (outcome.stage() == JobProgress.Stage.COMMITTED) {
            return new Reply(requestId, verb, Reply.OK, Optional.of(JobJson.outcome(outcome)), Optional.empty(),
                    Optional.empty());
        }
        String code = outcome.error().map(Enum::name).orElse(ErrorCodes.INTERNAL);
        return Reply.error(requestId, verb, new CommandException(code, outcome.message()))
                .withResult(JobJson.outcome(outcome));
    }

    private static JobOutcome failed(String requestId, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        DeploymentException.Code code = cause instanceof DeploymentException e ? e.code()
                : DeploymentException.Code.INTERNAL;
        return new JobOutcome(requestId, JobProgress.Stage.FAILED, Optional.of(code), String.valueOf(cause.getMessage()),
                List.of(), false);
    }
}
