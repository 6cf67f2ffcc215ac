package io.morphgate.control.mqtt.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonObject;

import io.morphgate.api.variant.DerivationProgress;
import io.morphgate.api.variant.DerivationProgress.Phase;
import io.morphgate.api.variant.OperatorKind;

/** Which progress goes out as event/derivation, on a clock the test moves (every 4 slots or 10 s, 1 s apart). */
class DerivationEventsTest {

    private final RecordingOutbox outbox = new RecordingOutbox();
    private final AtomicLong now = new AtomicLong();
    private final DerivationEvents events = new DerivationEvents(new EventPublisher(outbox), 4, 10, now::get);

    private static DerivationProgress at(OperatorKind operator, Phase phase, int slotsDone) {
        return new DerivationProgress(operator, "b-1", phase, slotsDone, 17, slotsDone, 0, Duration.ZERO,
                Optional.empty(), Optional.empty());
    }

    private void seconds(double s) {
        now.addAndGet((long) (s * 1e9));
    }

    private List<Integer> slotsPublished() {
        return outbox.messages.stream().map(m -> m.json().get("slotsDone").getAsInt()).toList();
    }

    @Test
    void startAndEndAlwaysGoOutAndInBetweenEveryFourSlotsButNotTwiceWithinASecond() {
        events.progressed(at(OperatorKind.LOW_RANK, Phase.STARTED, 0));
        for (int slot = 1; slot <= 8; slot++) {
            seconds(0.5);
            events.progressed(at(OperatorKind.LOW_RANK, Phase.RUNNING, slot));
        }
        events.progressed(at(OperatorKind.LOW_RANK, Phase.FINISHED, 17));
        // slot 4 at 2.0 s; slot 8 at 4.0 s; the end at once
        assertEquals(List.of(0, 4, 8, 17), slotsPublished());
        assertTrue(outbox.messages.stream().allMatch(m -> m.topic().equals("event/derivation")));
    }

    @Test
    void aSlowDerivationStillReportsEveryTenSeconds() {
        events.progressed(at(OperatorKind.BOTTLENECK, Phase.STARTED, 0));
        seconds(10);
        events.progressed(at(OperatorKind.BOTTLENECK, Phase.STARTED, 0)); // a setting done, no slot yet
        seconds(3);
        events.progressed(at(OperatorKind.BOTTLENECK, Phase.RUNNING, 1));
        assertEquals(List.of(0, 0), slotsPublished());
    }

    @Test
    void burstsWithinASecondAreHeldBackAndOperatorsCountApart() {
        events.progressed(at(OperatorKind.LOW_RANK, Phase.STARTED, 0));
        events.progressed(at(OperatorKind.DEPTHWISE_SEPARABLE, Phase.STARTED, 0));
        events.progressed(at(OperatorKind.LOW_RANK, Phase.RUNNING, 5)); // cache hits: 5 slots at once
        events.progressed(at(OperatorKind.LOW_RANK, Phase.FAILED, 6));
        JsonObject failed = outbox.messages.get(outbox.messages.size() - 1).json();
        assertEquals(List.of(0, 0, 6), slotsPublished());
        assertEquals("FAILED", failed.get("phase").getAsString());
        assertEquals("LOW_RANK", failed.get("operator").getAsString());
    }
}
