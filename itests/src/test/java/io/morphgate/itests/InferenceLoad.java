package io.morphgate.itests;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.morphgate.api.inference.InferenceResult;
import io.morphgate.api.inference.InferenceService;

/** Clients that keep calling the inference service until stopped, recording every answer and every failure. */
final class InferenceLoad implements AutoCloseable {

    /** One answered request: when it was sent and what served it. */
    record Served(long sentNanos, long generation, String configurationId) {
    }

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    private final List<List<Served>> perClient = new ArrayList<>();
    private final List<Thread> clients = new ArrayList<>();

    /**
     * Starts the clients once a model serves (the backbone reads its model bundle in the background after it
     * starts): the load measures swaps, not start-up.
     */
    InferenceLoad(InferenceService inference, int clientCount) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (inference.model().isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no model serves after 60 s: no load to start");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for a model", e);
            }
        }
        for (int c = 0; c < clientCount; c++) {
            List<Served> served = new ArrayList<>();
            perClient.add(served);
            Random random = new Random(c);
            Thread t = new Thread(() -> {
                float[] x = new float[inference.inputShape().elementCount()];
                while (running.get()) {
                    for (int i = 0; i < x.length; i++) {
                        x[i] = (float) random.nextGaussian();
                    }
                    long sent = System.nanoTime();
                    try {
                        InferenceResult r = inference.infer(x);
                        served.add(new Served(sent, r.generation(), r.configurationId()));
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }
            }, "inference-load-" + c);
            t.start();
            clients.add(t);
        }
    }

    /** Stops the clients and waits for them; the results can be read afterwards. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread t : clients) {
            t.join();
        }
    }

    List<Throwable> failures() {
        return List.copyOf(failures);
    }

    /** The answers of each client, in the order it got them. */
    List<List<Served>> perClient() {
        return perClient;
    }

    int answered() {
        return perClient.stream().mapToInt(List::size).sum();
    }
}
