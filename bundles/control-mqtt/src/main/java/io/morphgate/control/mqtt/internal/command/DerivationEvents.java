package io.morphgate.control.mqtt.internal.command;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import io.morphgate.api.variant.DerivationProgress;

/**
 * Which derivation progress goes out as {@code event/derivation}: operators report after every slot and setting,
 * which for a small model is dozens of times a second, so each derivation (operator and backbone) publishes its start
 * and its end always, and in between when {@code everySlots} more slots are done or {@code everySeconds} have passed
 * since its last event, but never twice within a second. A cloud watching a fleet then sees a slow derivation move
 * and a quick one start and end, without a flood.
 */
public final class DerivationEvents {

    private static final long MIN_GAP_NANOS = 1_000_000_000L;

    private record Last(long at, int slotsDone) {
    }

    private final EventPublisher events;
    private final int everySlots;
    private final long everyNanos;
    private final LongSupplier nanoTime;
    private final Map<String, Last> last = new HashMap<>();

    public DerivationEvents(EventPublisher events, int everySlots, int everySeconds, LongSupplier nanoTime) {
        this.events = events;
        this.everySlots = Math.max(1, everySlots);
        this.everyNanos = Math.max(1, everySeconds) * 1_000_000_000L;
        this.nanoTime = nanoTime;
    }

    /** Publishes {@code progress} if it is due; called on the operators' threads. */
    public void progressed(DerivationProgress progress) {
        if (due(progress)) {
            events.derivation(progress);
        }
    }

    private synchronized boolean due(DerivationProgress p) {
        String key = p.operator() + "/" + p.backboneId();
        long now = nanoTime.getAsLong();
        Last before = last.get(key);
        if (p.phase().ended()) {
            last.remove(key); // the same operator may derive for the same model again (it restarts)
            return true;
        }
        boolean due = before == null // its first report: the start
                || now - before.at() >= MIN_GAP_NANOS && (p.slotsDone() - before.slotsDone() >= everySlots
                        || now - before.at() >= everyNanos);
        if (due) {
            last.put(key, new Last(now, p.slotsDone()));
        }
        return due;
    }
}
