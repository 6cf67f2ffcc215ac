package io.morphgate.serving.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import io.morphgate.api.inference.InferenceException;
import io.morphgate.api.inference.InferenceResult;
import io.morphgate.api.model.ModelDescriptor;
import io.morphgate.api.serving.ServingException;
import io.morphgate.api.serving.ServingException.Code;

/**
 * A bounded queue in front of the inference service, and the workers that empty it in batches.
 *
 * <p>The batching rule: a worker takes the oldest request and everything queued behind it, up to the largest batch.
 * It waits for more (until the oldest request has waited the largest delay) only under load, i.e. when its batch or
 * its previous batch already held more than one request; a lone request on a quiet gateway runs at once. Under load,
 * requests also gather on their own while a batch runs.
 */
final class RequestBatcher<T> {

    private static final System.Logger LOG = System.getLogger(RequestBatcher.class.getName());

    /** One queued request. */
    record Pending<T>(T input, long arrivedNanos, CompletableFuture<Batched> reply) {
    }

    /** A request's result and how it was served. */
    record Batched(InferenceResult result, long arrivedNanos, long startedNanos, int batchSize) {
    }

    private final BatchModel<T> model;
    private final BatchSettings settings;
    private final BlockingQueue<Pending<T>> queue;
    private final List<Thread> workers = new ArrayList<>();
    private final QueueCounters counters;
    private volatile boolean accepting = true;

    /** @param model prepares the requests of a batch and runs it */
    RequestBatcher(BatchModel<T> model, BatchSettings settings, QueueCounters counters, ThreadFactory threads) {
        this.model = model;
        this.counters = counters;
        this.settings = settings;
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        for (int i = 0; i < settings.workers(); i++) {
            Thread worker = threads.newThread(this::work);
            workers.add(worker);
            worker.start();
        }
    }

    /** Queues one input; refuses at once with {@code OVERLOADED} when the queue is full. */
    CompletableFuture<Batched> submit(T input) {
        if (!accepting) {
            throw new ServingException(Code.NOT_READY, "the serving queue is shutting down");
        }
        Pending<T> pending = new Pending<>(input, System.nanoTime(), new CompletableFuture<>());
        if (!queue.offer(pending)) {
            counters.refused.incrementAndGet();
            throw new ServingException(Code.OVERLOADED, "the serving queue is full (" + settings.queueCapacity()
                    + " requests waiting): try again later");
        }
        counters.accepted.incrementAndGet();
        return pending.reply();
    }

    BatchSettings settings() {
        return settings;
    }

    int queued() {
        return queue.size();
    }

    /** Stops accepting; the workers finish what is queued, then end. Waits up to {@code millis} for them. */
    void shutdown(long millis) {
        accepting = false;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (Thread worker : workers) {
            try {
                worker.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        workers.forEach(Thread::interrupt);
        List<Pending<T>> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(p -> p.reply().completeExceptionally(new ServingException(Code.NOT_READY, "the serving queue stopped")));
    }

    private void work() {
        int previousBatch = 1;
        while (accepting || !queue.isEmpty()) {
            try {
                Pending<T> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                List<Pending<T>> batch = gather(first, previousBatch);
                previousBatch = batch.size();
                run(batch);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "serving worker failed on a batch: " + e, e);
            }
        }
    }

    private List<Pending<T>> gather(Pending<T> first, int previousBatch) throws InterruptedException {
        int max = settings.maxBatchSize();
        List<Pending<T>> batch = new ArrayList<>(max);
        batch.add(first);
        queue.drainTo(batch, max - 1);
        boolean underLoad = batch.size() > 1 || previousBatch > 1;
        if (underLoad && settings.maxDelayNanos() > 0) {
            long deadline = first.arrivedNanos() + settings.maxDelayNanos();
            while (batch.size() < max) {
                long wait = deadline - System.nanoTime();
                if (wait <= 0) {
                    break;
                }
                Pending<T> next = queue.poll(wait, TimeUnit.NANOSECONDS);
                if (next == null) {
                    break;
                }
                batch.add(next);
                queue.drainTo(batch, max - batch.size());
            }
        }
        return batch;
    }

    private void run(List<Pending<T>> batch) {
        long started = System.nanoTime();
        counters.batches.incrementAndGet();
        counters.batchedRequests.addAndGet(batch.size());
        List<Pending<T>> ready = new ArrayList<>(batch.size());
        List<InferenceResult> results;
        for (int attempt = 0;; attempt++) {
            ModelDescriptor serving = model.serving();
            List<float[]> inputs = prepare(batch, serving, ready);
            if (ready.isEmpty()) {
                return;
            }
            try {
                results = model.infer(inputs);
                break;
            } catch (InferenceException e) {
                if (attempt == 0 && e.code() == InferenceException.Code.WRONG_SHAPE
                        && !Objects.equals(serving, model.serving())) {
                    continue; // the model changed between preparing and running: prepare again for the new one
                }
                fail(ready, new ServingException(code(e.code()), e.getMessage(), e));
                return;
            } catch (RuntimeException e) {
                fail(ready, new ServingException(Code.RUNTIME_FAILURE, "inference failed: " + e, e));
                return;
            }
        }
        for (int i = 0; i < ready.size(); i++) {
            Pending<T> p = ready.get(i);
            p.reply().complete(new Batched(results.get(i), p.arrivedNanos(), started, batch.size()));
        }
    }

    /** The inputs of the requests that can be prepared for {@code serving}; the others fail alone. */
    private List<float[]> prepare(List<Pending<T>> batch, ModelDescriptor serving, List<Pending<T>> ready) {
        ready.clear();
        List<float[]> inputs = new ArrayList<>(batch.size());
        for (Pending<T> p : batch) {
            try {
                inputs.add(model.prepare(p.input(), serving));
                ready.add(p);
            } catch (ServingException e) {
                p.reply().completeExceptionally(e);
            }
        }
        return inputs;
    }

    private static <T> void fail(List<Pending<T>> requests, ServingException failure) {
        requests.forEach(p -> p.reply().completeExceptionally(failure));
    }

    private static Code code(InferenceException.Code code) {
        return switch (code) {
            case WRONG_SHAPE -> Code.WRONG_SHAPE;
            case INVALID_VALUE -> Code.INVALID_VALUE;
            case NOT_READY -> Code.NOT_READY;
            case OVERLOADED -> Code.OVERLOADED;
            case RUNTIME_FAILURE -> Code.RUNTIME_FAILURE;
        };
    }
}
