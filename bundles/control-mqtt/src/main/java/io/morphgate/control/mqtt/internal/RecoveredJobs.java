package io.morphgate.control.mqtt.internal;

import java.lang.System.Logger.Level;
import java.util.List;

import com.google.gson.JsonElement;

import io.morphgate.api.deployment.Deployer;
import io.morphgate.api.deployment.JobOutcome;
import io.morphgate.control.mqtt.internal.command.CommandException;
import io.morphgate.control.mqtt.internal.command.EventPublisher;
import io.morphgate.control.mqtt.internal.command.Json;
import io.morphgate.control.mqtt.internal.command.ReplyStore;
import io.morphgate.control.mqtt.internal.handler.DeploymentHandler;

/**
 * Jobs a restart cut off: the deployer completed or rolled them back at start; their outcome goes out as a final
 * {@code event/job} and replaces the "accepted" reply stored before the restart.
 */
final class RecoveredJobs implements Runnable {

    private static final System.Logger LOG = System.getLogger(RecoveredJobs.class.getName());

    private final Deployer deployer;
    private final ReplyStore replies;
    private final EventPublisher events;

    RecoveredJobs(Deployer deployer, ReplyStore replies, EventPublisher events) {
        this.deployer = deployer;
        this.replies = replies;
        this.events = events;
    }

    @Override
    public void run() {
        deployer.recovered().thenAccept(this::report);
    }

    private void report(List<JobOutcome> outcomes) {
        for (JobOutcome outcome : outcomes) {
            LOG.log(Level.INFO, "job {0} was cut off by a restart: {1} ({2})", outcome.requestId(), outcome.stage(),
                    outcome.message());
            events.outcome(outcome);
            String verb = replies.find(outcome.requestId()).map(RecoveredJobs::verb).orElse("job");
            replies.put(outcome.requestId(), Json.text(DeploymentHandler.reply(outcome.requestId(), verb, outcome).toJson()));
        }
    }

    private static String verb(String storedReply) {
        try {
            JsonElement verb = Json.parse(storedReply).getAsJsonObject().get("verb");
            return verb != null && verb.isJsonPrimitive() ? verb.getAsString() : "job";
        } catch (CommandException | IllegalStateException e) {
            return "job";
        }
    }
}
