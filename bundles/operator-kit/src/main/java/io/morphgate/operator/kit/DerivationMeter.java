package io.morphgate.operator.kit;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import io.morphgate.api.variant.DerivationProgress;
import io.morphgate.api.variant.DerivationProgress.Phase;
import io.morphgate.api.variant.OperatorKind;

/**
 * Counts one derivation as it goes and hands a {@link DerivationProgress} to its sink after every step: a step is
 * one slot and setting (derived, read back, or skipped), so a network whose slots take half a minute each still
 * reports within a slot. The time left is the time so far scaled by the steps left over the steps done; steps read
 * from the cache are quick, so a run that starts from a half-filled cache is estimated short at first, then
 * corrected. The first end (finished, failed, cancelled) is the one reported; later calls are ignored, so the loop
 * and the thread around it may both say how it ended.
 */
final class DerivationMeter {

    private final OperatorKind operator;
    private final String backboneId;
    private final Consumer<DerivationProgress> sink;
    private final LongSupplier nanoTime;
    private long startedAt;
    private int slotsTotal;
    private int stepsTotal;
    private int slotsDone;
    private int stepsDone;
    private int derived;
    private int kept;
    private Phase phase;

    DerivationMeter(OperatorKind operator, String backboneId, Consumer<DerivationProgress> sink,
            LongSupplier nanoTime) {
        this.operator = operator;
        this.backboneId = backboneId;
        this.sink = sink;
        this.nanoTime = nanoTime;
    }

    /** A meter that reports nothing, for derivations nobody watches. */
    static DerivationMeter silent() {
        return new DerivationMeter(null, "", p -> { }, System::nanoTime);
    }

    /** The derivation starts on {@code slots} slots with {@code settings} settings each. */
    synchronized void started(int slots, int settings) {
        startedAt = nanoTime.getAsLong();
        slotsTotal = slots;
        stepsTotal = slots * settings;
        phase = Phase.STARTED;
        report(Optional.empty());
    }

    /** One slot and setting done; {@code kept}: read from the cache, {@code derivedOne}: a variant computed. */
    synchronized void step(boolean kept, boolean derivedOne) {
        stepsDone++;
        this.kept += kept ? 1 : 0;
        derived += derivedOne ? 1 : 0;
        running();
    }

    /** A slot done with all its settings; {@code skippedSteps}: settings not tried (the slot has no weights). */
    synchronized void slotDone(int skippedSteps) {
        stepsDone += skippedSteps;
        slotsDone++;
        running();
    }

    synchronized void finished() {
        end(Phase.FINISHED, Optional.empty());
    }

    synchronized void failed(String why) {
        end(Phase.FAILED, Optional.of(why));
    }

    synchronized void cancelled() {
        end(Phase.CANCELLED, Optional.empty());
    }

    private void running() {
        if (phase == Phase.STARTED || phase == Phase.RUNNING) {
            phase = slotsDone == 0 ? Phase.STARTED : Phase.RUNNING;
            report(Optional.empty());
        }
    }

    private void end(Phase end, Optional<String> failure) {
        if (phase != null && !phase.ended()) {
            phase = end;
            report(failure);
        }
    }

    private void report(Optional<String> failure) {
        Duration elapsed = Duration.ofNanos(nanoTime.getAsLong() - startedAt);
        Optional<Duration> remaining;
        if (phase.ended()) {
            remaining = Optional.of(Duration.ZERO);
        } else if (stepsDone == 0) {
            remaining = Optional.empty();
        } else {
            remaining = Optional.of(elapsed.multipliedBy(Math.max(0, stepsTotal - stepsDone)).dividedBy(stepsDone));
        }
        sink.accept(new DerivationProgress(operator, backboneId, phase, slotsDone, slotsTotal, derived, kept,
                elapsed, remaining, failure));
    }
}
