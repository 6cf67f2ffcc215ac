package io.morphgate.control.mqtt.internal.command;

import io.morphgate.api.deployment.JobOutcome;
import io.morphgate.api.deployment.JobProgress;
import io.morphgate.api.model.SwapRecord;
import io.morphgate.api.model.VariantState;
import io.morphgate.api.policy.PolicyDecision;
import io.morphgate.api.variant.DerivationProgress;
import io.morphgate.control.mqtt.internal.transport.Outbox;
import io.morphgate.wire.ModelJson;
import io.morphgate.wire.OfferJson;
import io.morphgate.wire.PolicyJson;

/**
 * Events on {@code event/<kind>}: job progress and outcomes, swaps, refusals, policy decisions, derivation progress.
 */
public final class EventPublisher {

    private final Outbox outbox;

    public EventPublisher(Outbox outbox) {
        this.outbox = outbox;
    }

    /**
     * A job's progress, {@code "final": false}. The deployer also reports the stage a job ends in (COMMITTED,
     * ROLLED_BACK, FAILED) as progress; that is not published: {@link #outcome} publishes it once, as the final event.
     */
    public void progress(JobProgress progress) {
        if (isEnd(progress.stage())) {
            return;
        }
        outbox.publish("event/job", Json.bytes(JobJson.progress(progress)), false);
    }

    private static boolean isEnd(JobProgress.Stage stage) {
        return stage == JobProgress.Stage.COMMITTED || stage == JobProgress.Stage.ROLLED_BACK
                || stage == JobProgress.Stage.FAILED;
    }

    public void outcome(JobOutcome outcome) {
        outbox.publish("event/job", Json.bytes(JobJson.outcome(outcome)), false);
    }

    public void swapped(SwapRecord swap) {
        outbox.publish("event/swap", Json.bytes(ModelJson.swap(swap)), false);
    }

    public void refused(VariantState variant) {
        outbox.publish("event/refusal", Json.bytes(ModelJson.variant(variant)), false);
    }

    /** An operator's derivation moved on ({@link DerivationEvents} decides which progress gets this far). */
    public void derivation(DerivationProgress progress) {
        outbox.publish("event/derivation", Json.bytes(OfferJson.derivation(progress)), false);
    }

    public void policy(PolicyDecision decision) {
        // figures and limits that are not known or not set are left out of this event (docs/protocol.md)
        outbox.publish("event/policy", Json.bytesWithoutNulls(PolicyJson.decision(decision)), false);
    }
}
