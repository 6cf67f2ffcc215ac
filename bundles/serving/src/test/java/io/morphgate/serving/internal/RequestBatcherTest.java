package io.morphgate.serving.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import io.morphgate.api.inference.InferenceException;
import io.morphgate.api.inference.InferenceResult;
import io.morphgate.api.model.ModelDescriptor;
import io.morphgate.api.serving.ServingException;
import io.morphgate.api.serving.ServingException.Code;

/** The queue and batching rule against a stand-in model that records the batch sizes it was given. */
class RequestBatcherTest {

    private final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    private final QueueCounters counters = new QueueCounters();

    private List<InferenceResult> model(List<float[]> inputs, CountDownLatch gate) {
        try {
            gate.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        batchSizes.add(inputs.size());
        List<InferenceResult> results = new ArrayList<>();
        for (float[] input : inputs) {
            results.add(new InferenceResult(new float[] {input[0]}, 0, "default", 1, 1000));
        }
        return results;
    }

    /** A model that never changes: requests are their own inputs. */
    private static BatchModel<float[]> fixed(Function<List<float[]>, List<InferenceResult>> run) {
        return new BatchModel<>() {
            @Override
            public ModelDescriptor serving() {
                return null;
            }

            @Override
            public float[] prepare(float[] request, ModelDescriptor serving) {
                return request;
            }

            @Override
            public List<InferenceResult> infer(List<float[]> inputs) {
                return run.apply(inputs);
            }
        };
    }

    private static ModelDescriptor model(String id, int channels) {
        List<Double> zeros = java.util.Collections.nCopies(channels, 0.0);
        List<Double> ones = java.util.Collections.nCopies(channels, 1.0);
        return new ModelDescriptor(id, "1", null, id + ".onnx", new ModelDescriptor.Input("input", channels, 1, 1, 0,
                ModelDescriptor.ChannelOrder.RGB, zeros, ones), new ModelDescriptor.Output("logits"), List.of(), null,
                null, null);
    }

    @Test
    void requestsPreparedForAModelThatNoLongerServesArePreparedAgainAndOnlyThoseThatCannotBeFail() throws Exception {
        ModelDescriptor grey = model("grey", 1);
        ModelDescriptor colour = model("colour", 3);
        java.util.concurrent.atomic.AtomicReference<ModelDescriptor> serving = new java.util.concurrent.atomic
                .AtomicReference<>(grey);
        CountDownLatch gate = new CountDownLatch(1);
        // a request is "decoded" for the model serving when it arrives; the colour model takes 3 values, the grey 1;
        // request -1 stands for a body only the grey model can take
        BatchModel<float[]> switching = new BatchModel<>() {
            @Override
            public ModelDescriptor serving() {
                return serving.get();
            }

            @Override
            public float[] prepare(float[] request, ModelDescriptor model) {
                if (model == colour && request[0] < 0) {
                    throw new ServingException(ServingException.Code.WRONG_SHAPE, "grey tensor for a colour model");
                }
                return model == colour ? new float[] {request[0], request[0], request[0]} : request;
            }

            @Override
            public List<InferenceResult> infer(List<float[]> inputs) {
                int width = serving.get() == colour ? 3 : 1;
                for (float[] input : inputs) {
                    if (input.length != width) {
                        throw new InferenceException(InferenceException.Code.WRONG_SHAPE, "wrong shape");
                    }
                }
                return model(inputs, gate);
            }
        };
        RequestBatcher<float[]> batcher = new RequestBatcher<>(switching, new BatchSettings(8, 0, 64, 1), counters,
                Thread::new);
        CompletableFuture<RequestBatcher.Batched> first = batcher.submit(new float[] {1});
        Thread.sleep(200); // the first request holds the model
        CompletableFuture<RequestBatcher.Batched> image = batcher.submit(new float[] {2});
        CompletableFuture<RequestBatcher.Batched> greyOnly = batcher.submit(new float[] {-1});
        serving.set(colour); // the switch: queued requests must be prepared again
        gate.countDown();
        assertEquals(1f, first.get(5, TimeUnit.SECONDS).result().probabilities()[0]);
        assertEquals(2f, image.get(5, TimeUnit.SECONDS).result().probabilities()[0]);
        java.util.concurrent.ExecutionException failed = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> greyOnly.get(5, TimeUnit.SECONDS));
        assertEquals(ServingException.Code.WRONG_SHAPE, ((ServingException) failed.getCause()).code());
        batcher.shutdown(1000);
    }

    @Test
    void aLoneRequestRunsAtOnceEvenWithALongDelay() throws Exception {
        CountDownLatch open = new CountDownLatch(0);
        RequestBatcher<float[]> batcher = new RequestBatcher<>(fixed(in -> model(in, open)),
                new BatchSettings(16, TimeUnit.SECONDS.toNanos(10), 8, 1), counters, Thread::new);
        long start = System.nanoTime();
        RequestBatcher.Batched b = batcher.submit(new float[] {7}).get(5, TimeUnit.SECONDS);
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "a lone request waited for the batch delay");
        assertEquals(1, b.batchSize());
        assertEquals(7f, b.result().probabilities()[0]);
        batcher.shutdown(1000);
    }

    @Test
    void requestsQueuedWhileABatchRunsGoTogetherUpToTheLargestBatch() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        RequestBatcher<float[]> batcher = new RequestBatcher<>(fixed(in -> model(in, gate)), new BatchSettings(4, 0, 64, 1), counters, Thread::new);
        List<CompletableFuture<RequestBatcher.Batched>> replies = new ArrayList<>();
        replies.add(batcher.submit(new float[] {0}));
        Thread.sleep(200); // the worker holds the first request in the model
        for (int i = 1; i <= 9; i++) {
            replies.add(batcher.submit(new float[] {i}));
        }
        gate.countDown();
        for (int i = 0; i < replies.size(); i++) {
            assertEquals((float) i, replies.get(i).get(5, TimeUnit.SECONDS).result().probabilities()[0]);
        }
        assertEquals(List.of(1, 4, 4, 1), batchSizes);
        assertEquals(4, counters.batches.get());
        batcher.shutdown(1000);
    }

    @Test
    void aFullQueueRefusesRatherThanGrows() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        RequestBatcher<float[]> batcher = new RequestBatcher<>(fixed(in -> model(in, gate)), new BatchSettings(1, 0, 2, 1), counters, Thread::new);
        CompletableFuture<RequestBatcher.Batched> running = batcher.submit(new float[] {0});
        Thread.sleep(200);
        batcher.submit(new float[] {1});
        batcher.submit(new float[] {2});
        ServingException refused = assertThrows(ServingException.class, () -> batcher.submit(new float[] {3}));
        assertEquals(Code.OVERLOADED, refused.code());
        assertEquals(1, counters.refused.get());
        gate.countDown();
        running.get(5, TimeUnit.SECONDS);
        batcher.shutdown(5000);
        assertEquals(3, counters.batchedRequests.get());
    }
}
