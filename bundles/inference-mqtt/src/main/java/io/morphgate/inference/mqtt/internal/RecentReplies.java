package io.morphgate.inference.mqtt.internal;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The replies to the last request ids, kept for a short time, so that a repeated request id (a device's retry, a QoS 1
 * redelivery) is answered with the reply already sent instead of running the model again. Bounded twice: at most
 * {@code capacity} ids (the oldest forgotten first), each for at most {@code ttl} after its reply. An id whose request
 * is still running is remembered too: its repeat is dropped, since the reply follows on the same topic anyway.
 * Capacity 0 keeps nothing (every request runs). Thread-safe.
 */
final class RecentReplies {

    /** What to do with a request. */
    enum Verdict {
        /** A new id: run it, then hand its reply to {@link #answered}. */
        RUN,
        /** Answered within the time kept: send {@link Claim#reply()} again. */
        REPLAY,
        /** The same id is running: its reply will answer this one too. */
        RUNNING
    }

    /** The verdict on a request id, with the reply to send again for {@link Verdict#REPLAY}. */
    record Claim(Verdict verdict, Optional<byte[]> reply) {
    }

    /** A reply (null while its request runs) and when it was sent (or the request claimed), in nanoseconds. */
    private record Entry(byte[] reply, long at) {
    }

    private final int capacity;
    private final long ttlNanos;
    private final LongSupplier clock;
    /** In the order of {@code at}: every change removes and re-inserts its id, so the oldest is always first. */
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();

    RecentReplies(int capacity, Duration ttl, LongSupplier nanoClock) {
        if (capacity < 0 || ttl.isNegative()) {
            throw new IllegalArgumentException("capacity and time kept must not be negative: " + capacity + ", "
                    + ttl);
        }
        this.capacity = capacity;
        this.ttlNanos = ttl.toNanos();
        this.clock = nanoClock;
    }

    /** Decides on {@code requestId}; a {@link Verdict#RUN} marks it running. */
    synchronized Claim claim(String requestId) {
        if (capacity == 0) {
            return new Claim(Verdict.RUN, Optional.empty());
        }
        long now = clock.getAsLong();
        expire(now);
        Entry entry = entries.get(requestId);
        if (entry == null) {
            put(requestId, new Entry(null, now));
            return new Claim(Verdict.RUN, Optional.empty());
        }
        return entry.reply() == null ? new Claim(Verdict.RUNNING, Optional.empty())
                : new Claim(Verdict.REPLAY, Optional.of(entry.reply()));
    }

    /**
     * The request {@code requestId} was answered with {@code reply}: kept for a repeat if {@code keep}, else
     * forgotten (a transient refusal such as OVERLOADED: a retry with the same id runs again).
     */
    synchronized void answered(String requestId, byte[] reply, boolean keep) {
        if (capacity == 0) {
            return;
        }
        entries.remove(requestId);
        if (keep) {
            put(requestId, new Entry(reply.clone(), clock.getAsLong()));
        }
    }

    synchronized int size() {
        return entries.size();
    }

    private void put(String requestId, Entry entry) {
        entries.remove(requestId);
        entries.put(requestId, entry);
        if (entries.size() > capacity) {
            Iterator<String> oldest = entries.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    private void expire(long now) {
        for (Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
            if (now - it.next().getValue().at() < ttlNanos) {
                return;
            }
            it.remove();
        }
    }
}
