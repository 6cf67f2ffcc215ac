package io.morphgate.operator.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.morphgate.api.variant.DerivationProgress;
import io.morphgate.api.variant.DerivationProgress.Phase;
import io.morphgate.api.variant.OperatorKind;

/** The meter on a clock the test moves: what each step reports, and the estimate of the time left. */
class DerivationMeterTest {

    private final AtomicLong now = new AtomicLong();
    private final List<DerivationProgress> heard = new ArrayList<>();
    private final DerivationMeter meter = new DerivationMeter(OperatorKind.LOW_RANK, "b-1", heard::add, now::get);

    private void seconds(long s) {
        now.addAndGet(s * 1_000_000_000L);
    }

    private DerivationProgress last() {
        return heard.get(heard.size() - 1);
    }

    @Test
    void estimatesTheTimeLeftFromThePaceOfTheStepsDone() {
        meter.started(4, 2); // 8 steps
        assertEquals(new DerivationProgress(OperatorKind.LOW_RANK, "b-1", Phase.STARTED, 0, 4, 0, 0, Duration.ZERO,
                Optional.empty(), Optional.empty()), last());
        seconds(3);
        meter.step(false, true);
        assertEquals(Phase.STARTED, last().phase(), "no slot done yet");
        assertEquals(Optional.of(Duration.ofSeconds(21)), last().remaining(), "7 steps left at 3 s each");
        seconds(3);
        meter.step(true, false);
        meter.slotDone(0);
        DerivationProgress slot = last();
        assertEquals(Phase.RUNNING, slot.phase());
        assertEquals(1, slot.slotsDone());
        assertEquals(1, slot.variantsDerived());
        assertEquals(1, slot.variantsKept());
        assertEquals(Duration.ofSeconds(6), slot.elapsed());
        assertEquals(Optional.of(Duration.ofSeconds(18)), slot.remaining(), "6 steps left at 3 s each");
    }

    @Test
    void aSlotWithoutWeightsCountsItsSettingsAsDone() {
        meter.started(2, 3);
        seconds(1);
        meter.slotDone(3);
        assertEquals(Optional.of(Duration.ofSeconds(1)), last().remaining(), "3 steps left as quick as 3 done");
    }

    @Test
    void theFirstEndIsTheOneReported() {
        meter.started(1, 1);
        meter.cancelled();
        meter.finished();
        meter.failed("late");
        meter.step(false, true);
        assertEquals(2, heard.size(), heard.toString());
        assertEquals(Phase.CANCELLED, last().phase());
        assertEquals(Optional.of(Duration.ZERO), last().remaining());
    }

    @Test
    void aFailureSaysWhy() {
        meter.started(1, 1);
        meter.failed("out of memory");
        assertEquals(Phase.FAILED, last().phase());
        assertEquals(Optional.of("out of memory"), last().failure());
    }
}
