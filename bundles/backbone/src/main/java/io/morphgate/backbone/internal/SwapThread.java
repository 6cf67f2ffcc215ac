package io.morphgate.backbone.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The one thread on which the served model, the plan and the configuration change, in the order they were asked for.
 * Requests to choose the configuration again are coalesced: those that arrive within a short quiet period after the
 * first one (or while a swap runs) become one swap, so a bundle that registers eight variants costs one or two swaps.
 */
final class SwapThread implements AutoCloseable {

    /** What a coalesced swap does: {@code why} are the triggers collected, {@code firstAt} when the first came. */
    interface Swap {
        void run(List<String> why, Instant firstAt);
    }

    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "morphgate-backbone-swap");
        t.setDaemon(true);
        return t;
    });
    private final long coalesceMillis;
    private final Swap swap;

    /** Triggers and waiters collected since the last swap started; guarded by this. */
    private final List<String> triggers = new ArrayList<>();
    private final List<CompletableFuture<Void>> waiters = new ArrayList<>();
    private Instant firstTriggerAt;
    private boolean scheduled;

    SwapThread(long coalesceMillis, Swap swap) {
        this.coalesceMillis = coalesceMillis;
        this.swap = swap;
    }

    /**
     * Asks for a swap. Returns at once; the future completes when a swap that started after this call has finished
     * (whether or not it changed anything), or fails with what the swap threw.
     */
    synchronized CompletableFuture<Void> request(String trigger) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        triggers.add(trigger);
        waiters.add(done);
        if (firstTriggerAt == null) {
            firstTriggerAt = Instant.now();
        }
        if (!scheduled) {
            scheduled = true;
            try {
                thread.schedule(this::runCoalesced, coalesceMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                done.completeExceptionally(shuttingDown());
            }
        }
        return done;
    }

    /** Runs {@code task} on the thread after everything asked for before it; completes with its result or failure. */
    <T> CompletableFuture<T> submit(Supplier<T> task) {
        CompletableFuture<T> done = new CompletableFuture<>();
        execute(done, () -> done.complete(task.get()));
        return done;
    }

    /** Runs {@code task} on the thread; if it throws, or the thread is closed, {@code done} fails. */
    <T> void execute(CompletableFuture<T> done, Runnable task) {
        try {
            thread.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException | Error e) {
                    done.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            done.completeExceptionally(shuttingDown());
        }
    }

    private void runCoalesced() {
        List<String> why;
        List<CompletableFuture<Void>> toComplete;
        Instant firstAt;
        synchronized (this) {
            why = List.copyOf(triggers);
            toComplete = List.copyOf(waiters);
            firstAt = firstTriggerAt;
            triggers.clear();
            waiters.clear();
            firstTriggerAt = null;
            scheduled = false;
        }
        try {
            swap.run(why, firstAt);
            toComplete.forEach(f -> f.complete(null));
        } catch (RuntimeException | Error e) {
            toComplete.forEach(f -> f.completeExceptionally(e));
        }
    }

    private static IllegalStateException shuttingDown() {
        return new IllegalStateException("the backbone is shutting down");
    }

    /** Takes no more work and waits up to 10 s for the task running. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            thread.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
