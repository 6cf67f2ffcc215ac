package io.morphgate.itests.benchmarks;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import io.morphgate.api.inference.InferenceService;
import io.morphgate.api.model.ModelControl;
import io.morphgate.api.model.SwapRecord;
import io.morphgate.itests.TestSupport;
import io.morphgate.onnx.OnnxModelIO;

/**
 * Benchmark harness, not a test: it asserts nothing about speed and writes its figures to
 * {@code docs/benchmarks/serving.md}. Run with {@code mvn -B verify -pl itests -am -Pbenchmarks -DskipTests=false
 * -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false} (see docs/benchmarks/README.md).
 *
 * <ul>
 * <li>Latency of the gateway's InferenceService (composed session behind validation, reference counting and softmax)
 * against the same composed graph written to a file and run by ONNX Runtime directly with the same session options;
 * batch 1 and 32; runs interleaved so both see the same machine noise.</li>
 * <li>Swap time from trigger to the new configuration serving: pinning a slot (ModelControl) and stopping or starting
 * the operator bundle.</li>
 * </ul>
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ServingBenchmark extends TestSupport {

    private static final int WARMUP = 200;

    @Configuration
    public Option[] configuration() {
        return gatewayOptions("morphgate-core", "morphgate-operator-lowrank");
    }

    @Test
    public void measure() throws Exception {
        rankedVariantsServe(); // bound variants serve without a policy: what the bundle rounds below time
        ModelControl control = service(ModelControl.class, 10_000);
        InferenceService inference = service(InferenceService.class, 10_000);
        await("all 4 slots filled", 20_000, () -> control.status().configuration().variantBySlot().size() == 4);
        StringBuilder md = new StringBuilder();
        md.append("# Serving benchmark\n\n").append(machine()).append('\n');

        md.append("## Gateway InferenceService vs the same graph run directly by ONNX Runtime\n\n");
        md.append("Interleaved runs in one JVM, same session options (ALL_OPT, sequential, default intra-op threads). ")
                .append("The gateway figure includes input checks, the model reference count and the softmax.\n\n");
        md.append("| configuration | batch | runs | gateway median ms | direct median ms | median ratio | gateway p99 ms | direct p99 ms | p99 ratio |\n");
        md.append("|---|---|---|---|---|---|---|---|---|\n");
        for (String beta : List.of("default", "0.5")) {
            Map<String, String> config = new HashMap<>();
            for (String slot : List.of("conv1", "conv2", "conv3", "conv4")) {
                String id = beta.equals("default") ? "default" : "lowrank-" + slot + "-b" + beta;
                control.pin(slot, id).toCompletableFuture().get(30, TimeUnit.SECONDS);
                if (!id.equals("default")) {
                    config.put(slot, id);
                }
            }
            Path file = Files.createTempFile("morphgate-composed", ".onnx");
            OnnxModelIO.write(compose(config), file);
            for (int batch : new int[] {1, 32}) {
                int runs = batch == 1 ? 3000 : 300;
                md.append(compare(inference, file, config.isEmpty() ? "default (all slots)" : "low-rank b0.5 (all slots)",
                        batch, runs));
            }
            Files.deleteIfExists(file);
        }

        md.append("\n## Swap time: trigger to the new configuration serving\n\n");
        md.append(swapTimes(control));
        Path out = Path.of(System.getProperty("morphgate.benchmarks.out", "../docs/benchmarks"), "serving.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, md.toString(), StandardCharsets.UTF_8);
        System.out.println(md);
    }

    private String compare(InferenceService inference, Path file, String name, int batch, int runs) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Random random = new Random(batch);
        int size = inference.inputShape().elementCount();
        List<float[]> inputs = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            float[] x = new float[size];
            for (int j = 0; j < size; j++) {
                x[j] = (float) random.nextGaussian();
            }
            inputs.add(x);
        }
        long[] shape = {batch, inference.inputShape().channels(), inference.inputShape().height(),
                inference.inputShape().width()};
        try (SessionOptions options = new SessionOptions()) {
            options.setOptimizationLevel(SessionOptions.OptLevel.ALL_OPT);
            options.setExecutionMode(SessionOptions.ExecutionMode.SEQUENTIAL);
            try (OrtSession direct = env.createSession(file.toString(), options)) {
                String inputName = direct.getInputNames().iterator().next();
                double[] gateway = new double[runs];
                double[] raw = new double[runs];
                for (int i = -WARMUP; i < runs; i++) {
                    long t0 = System.nanoTime();
                    inference.inferBatch(inputs);
                    long t1 = System.nanoTime();
                    FloatBuffer packed = FloatBuffer.allocate(size * batch);
                    inputs.forEach(packed::put);
                    packed.flip();
                    try (OnnxTensor t = OnnxTensor.createTensor(env, packed, shape);
                            OrtSession.Result r = direct.run(Map.of(inputName, t))) {
                        r.get(0).getValue();
                    }
                    long t2 = System.nanoTime();
                    if (i >= 0) {
                        gateway[i] = (t1 - t0) / 1e6;
                        raw[i] = (t2 - t1) / 1e6;
                    }
                }
                double gm = percentile(gateway, 50), dm = percentile(raw, 50);
                double g99 = percentile(gateway, 99), d99 = percentile(raw, 99);
                return String.format(Locale.ROOT, "| %s | %d | %d | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |%n", name,
                        batch, runs, gm, dm, gm / dm, g99, d99, g99 / d99);
            }
        }
    }

    private String swapTimes(ModelControl control) throws Exception {
        int rounds = 40;
        double[] pinMillis = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            String target = i % 2 == 0 ? "lowrank-conv3-b0.25" : "default";
            long t0 = System.nanoTime();
            control.pin("conv3", target).toCompletableFuture().get(30, TimeUnit.SECONDS);
            pinMillis[i] = (System.nanoTime() - t0) / 1e6;
        }
        for (String slot : List.of("conv1", "conv2", "conv3", "conv4")) {
            control.unpin(slot).toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        Bundle operator = bundle("io.morphgate.operator.lowrank");
        int bundleRounds = 10;
        double[] stopMillis = new double[bundleRounds];
        double[] startMillis = new double[bundleRounds];
        for (int i = 0; i < bundleRounds; i++) {
            long t0 = System.nanoTime();
            operator.stop();
            await("default after stop", 20_000, () -> control.status().configuration().variantBySlot().isEmpty());
            stopMillis[i] = (System.nanoTime() - t0) / 1e6;
            long t1 = System.nanoTime();
            operator.start();
            await("variants after start", 20_000, () -> control.status().configuration().variantBySlot().size() == 4);
            startMillis[i] = (System.nanoTime() - t1) / 1e6;
        }
        List<SwapRecord> swaps = control.status().recentSwaps();
        double[] phases = swaps.stream().mapToDouble(s -> s.composeMillis() + s.sessionMillis() + s.warmupMillis())
                .toArray();
        StringBuilder md = new StringBuilder();
        md.append("| trigger | rounds | p50 ms | p99 ms |\n|---|---|---|---|\n");
        md.append(row("pin conv3 to a variant / back to default (ModelControl.pin until serving)", pinMillis));
        md.append(row("stop operator bundle until the default serves (8 variants unbound)", stopMillis));
        md.append(row("start operator bundle until 4 variants serve (8 variants bound and admitted)", startMillis));
        md.append(row("compose + session + warm-up of the last " + phases.length + " swaps (SwapRecord)", phases));
        return md.toString();
    }

    private ModelProto compose(Map<String, String> config) throws Exception {
        return ComposedGraphs.compose(context, bundle("morphgate.model.fashion-mnist"), config);
    }

    private static String row(String name, double[] millis) {
        return String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f |%n", name, millis.length, percentile(millis, 50),
                percentile(millis, 99));
    }

    static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static String machine() {
        return String.format(Locale.ROOT, "Measured %s on %d cores, %s %s, max heap %d MB. Figures are one run; the "
                + "machine is shared and noisy, so compare ratios and medians, not absolute numbers.%n",
                LocalDate.now(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), Runtime.getRuntime().maxMemory() / (1024 * 1024));
    }

}
