package io.morphgate.backbone.internal;

import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import io.morphgate.api.model.ModelListener;
import io.morphgate.api.model.SwapRecord;

/**
 * Remembers the recent swaps and the last failure, and tells {@link ModelListener}s. Listeners are called on the swap
 * thread; one that throws is logged and does not stop the others.
 */
final class SwapJournal {

    private static final System.Logger LOG = System.getLogger(SwapJournal.class.getName());

    private final int kept;
    private final Deque<SwapRecord> recent = new ArrayDeque<>();
    private final List<ModelListener> listeners = new CopyOnWriteArrayList<>();
    private volatile String lastError;

    SwapJournal(int kept) {
        this.kept = Math.max(1, kept);
    }

    void addListener(ModelListener listener) {
        listeners.add(listener);
    }

    void removeListener(ModelListener listener) {
        listeners.remove(listener);
    }

    void swapped(SwapRecord swap) {
        synchronized (recent) {
            recent.addLast(swap);
            while (recent.size() > kept) {
                recent.removeFirst();
            }
        }
        lastError = null;
        for (ModelListener l : listeners) {
            try {
                l.swapped(swap);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "model listener " + l + " failed on a swap: " + e, e);
            }
        }
    }

    void refused(OfferedVariant variant) {
        for (ModelListener l : listeners) {
            try {
                l.refused(variant.state(false));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "model listener " + l + " failed on a refusal: " + e, e);
            }
        }
    }

    void failed(String error) {
        lastError = error;
    }

    List<SwapRecord> recent() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }

    Optional<String> lastError() {
        return Optional.ofNullable(lastError);
    }
}
