package io.morphgate.itests;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.morphgate.api.inference.InferenceException;
import io.morphgate.api.inference.InferenceService;
import io.morphgate.api.model.ModelControl;
import io.morphgate.api.model.ModelStatus;
import io.morphgate.api.model.VariantState;

/**
 * Consecutive swaps under continuous inference load, with the process's memory sampled as it goes: the long-run drill
 * of docs/reliability.md. Each swap pins one slot (round robin over the slots) to the next of its accepted variants
 * or the default layer, so consecutive configurations always differ and every variant of every operator comes round.
 * The load clients keep only counters (no per-request records), so the heap they use does not grow with the run.
 */
public final class SwapSoak {

    /** One sample of the process, taken after a full GC. */
    public record Sample(int swaps, double seconds, double heapMb, double rssMb, int threads, int fileDescriptors,
            int openSessions, long answered) {
    }

    /**
     * What a run did. {@code unexpectedFailures} counts failures other than a clean {@link InferenceException};
     * {@code firstUnexpected} keeps the first 100 of them.
     */
    public record Result(int swaps, long generations, long answered, long cleanFailures, long unexpectedFailures,
            List<Throwable> firstUnexpected, List<Sample> samples, Map<String, Integer> pinsPerSlot,
            int variantsCycled) {
    }

    private final ModelControl control;
    private final InferenceService inference;

    public SwapSoak(ModelControl control, InferenceService inference) {
        this.control = control;
        this.inference = inference;
    }

    /**
     * Pins every slot to its default layer, then runs {@code swaps} pins with {@code clients} load threads, sampling
     * every {@code sampleEvery} swaps (and before the first), and unpins every slot at the end.
     */
    public Result run(int swaps, int sampleEvery, int clients) throws Exception {
        Map<String, List<String>> choices = choices(control.status());
        List<String> slots = new ArrayList<>(choices.keySet());
        Map<String, String> allDefault = new TreeMap<>();
        slots.forEach(s -> allDefault.put(s, "default"));
        control.pin(allDefault).toCompletableFuture().get(60, TimeUnit.SECONDS);
        Map<String, Integer> cursor = new HashMap<>();
        Map<String, Integer> pins = new TreeMap<>();
        List<Sample> samples = new ArrayList<>();
        long firstGeneration = control.status().generation();
        long started = System.nanoTime();
        try (Load load = new Load(inference, clients)) {
            samples.add(sample(0, started, load.answered.get()));
            for (int i = 0; i < swaps; i++) {
                String slot = slots.get(i % slots.size());
                List<String> options = choices.get(slot);
                int next = (cursor.getOrDefault(slot, 0) + 1) % options.size();
                cursor.put(slot, next);
                control.pin(slot, options.get(next)).toCompletableFuture().get(60, TimeUnit.SECONDS);
                pins.merge(slot, 1, Integer::sum);
                if ((i + 1) % sampleEvery == 0) {
                    samples.add(sample(i + 1, started, load.answered.get()));
                }
            }
            load.stop();
            long generations = control.status().generation() - firstGeneration;
            control.unpin(slots).toCompletableFuture().get(60, TimeUnit.SECONDS);
            return new Result(swaps, generations, load.answered.get(), load.cleanFailures.get(),
                    load.unexpectedCount.get(), List.copyOf(load.unexpected), samples, pins,
                    choices.values().stream().mapToInt(l -> l.size() - 1).sum());
        }
    }

    /** Per slot that has accepted variants: "default" first, then its accepted variant ids. */
    static Map<String, List<String>> choices(ModelStatus status) {
        Map<String, List<String>> choices = new TreeMap<>();
        for (VariantState v : status.variants()) {
            if (v.accepted()) {
                choices.computeIfAbsent(v.descriptor().slot(), s -> new ArrayList<>(List.of("default")))
                        .add(v.descriptor().id());
            }
        }
        choices.values().forEach(l -> l.subList(1, l.size()).sort(null));
        return choices;
    }

    private Sample sample(int swaps, long started, long answered) {
        System.gc();
        double heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;
        return new Sample(swaps, (System.nanoTime() - started) / 1e9, heap, rssKb() / 1024.0,
                ManagementFactory.getThreadMXBean().getThreadCount(), fileDescriptors(), control.status().openSessions(),
                answered);
    }

    /** VmRSS of this process (the failsafe JVM that runs Felix, the backbone and ONNX Runtime), in kB. */
    private static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            throw new IllegalStateException("no VmRSS in /proc/self/status");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/status (Linux only)", e);
        }
    }

    private static int fileDescriptors() {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Clients that call the inference service until stopped, counting answers and failures. */
    private static final class Load implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong answered = new AtomicLong();
        private final AtomicLong cleanFailures = new AtomicLong();
        private final AtomicLong unexpectedCount = new AtomicLong();
        private final ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        private final List<Thread> clients = new ArrayList<>();

        Load(InferenceService inference, int count) {
            for (int c = 0; c < count; c++) {
                Random random = new Random(c);
                Thread t = new Thread(() -> {
                    float[] x = new float[inference.inputShape().elementCount()];
                    while (running.get()) {
                        for (int i = 0; i < x.length; i++) {
                            x[i] = (float) random.nextGaussian();
                        }
                        try {
                            inference.infer(x);
                            answered.incrementAndGet();
                        } catch (InferenceException e) {
                            cleanFailures.incrementAndGet();
                        } catch (Throwable e) {
                            if (unexpectedCount.incrementAndGet() <= 100) {
                                unexpected.add(e);
                            }
                        }
                    }
                }, "swap-soak-load-" + c);
                t.start();
                clients.add(t);
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread t : clients) {
                t.join();
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }
    }
}
