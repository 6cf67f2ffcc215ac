package io.morphgate.itests.benchmarks;

import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.Assume;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import io.morphgate.api.model.ModelControl;
import io.morphgate.api.model.SwapRecord;
import io.morphgate.itests.ModelBundleJars;
import io.morphgate.itests.TestSupport;

/**
 * Benchmark harness, not a test: the time from {@code ModelControl.activateModel} to the new model serving, between
 * the Fashion-MNIST model and a torchvision ResNet-18 exported at 224x224 (alternately, so each direction is timed
 * against the same machine noise), split into session creation and warm-up from the swap record; and the heap and RSS
 * of the gateway with both installed. Writes {@code docs/benchmarks/model-switch.md}. Needs the 224x224 export:
 * {@code /usr/bin/python3 models/export/export_torchvision.py --out DIR --size 224 --models resnet18} and
 * {@code MORPHGATE_EXPORTED_MODELS_224=DIR}.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ModelSwitchBenchmark extends TestSupport {

    private static final int ROUNDS = 21;
    private static final String EXPORTED = "morphgate.benchmarks.exported224";
    private static final String WORK = "morphgate.benchmarks.work";

    @Configuration
    public Option[] configuration() throws Exception {
        Path work = Path.of(System.getProperty("morphgate.itests.target", "target"), "model-switch",
                UUID.randomUUID().toString()).toAbsolutePath();
        List<Option> options = new ArrayList<>(Arrays.asList(gatewayOptions("morphgate-core")));
        options.add(frameworkProperty("morphgate.data.dir").value(work.resolve("data").toString()));
        options.add(frameworkProperty(WORK).value(work.toString()));
        String exported = System.getenv("MORPHGATE_EXPORTED_MODELS_224");
        options.add(frameworkProperty(EXPORTED).value(exported == null ? "" : exported));
        return options.toArray(Option[]::new);
    }

    @Test
    public void measure() throws Exception {
        String folder = context.getProperty(EXPORTED);
        Assume.assumeTrue("MORPHGATE_EXPORTED_MODELS_224 names no folder with resnet18.onnx", !folder.isEmpty()
                && Files.isRegularFile(Path.of(folder, "resnet18.onnx")));
        ModelControl control = service(ModelControl.class, 10_000);
        await("Fashion-MNIST serving", 30_000, () -> control.status().model().isPresent());
        long installStart = System.nanoTime();
        Path jar = ModelBundleJars.exported(Path.of(context.getProperty(WORK), "resnet18.jar"), Path.of(folder),
                "resnet18");
        context.installBundle(jar.toUri().toString()).start();
        await("ResNet-18 checked", 120_000, () -> control.models().stream().anyMatch(m -> m.id().equals("resnet18")
                && m.state() != io.morphgate.api.model.InstalledModel.State.LOADING));
        double installSeconds = (System.nanoTime() - installStart) / 1e9;

        Map<String, List<double[]>> byModel = new LinkedHashMap<>();
        byModel.put("resnet18", new ArrayList<>());
        byModel.put("fashion-mnist", new ArrayList<>());
        for (int round = 0; round < ROUNDS; round++) {
            for (String id : byModel.keySet()) {
                long t0 = System.nanoTime();
                var status = control.activateModel(id).toCompletableFuture().get(120, TimeUnit.SECONDS);
                double millis = (System.nanoTime() - t0) / 1e6;
                SwapRecord swap = status.recentSwaps().stream().filter(s -> s.trigger().startsWith("model " + id))
                        .reduce((a, b) -> b).orElseThrow();
                if (round > 0) { // the first round pays for class loading and the first sessions
                    byModel.get(id).add(new double[] {millis, swap.sessionMillis(), swap.warmupMillis()});
                }
            }
        }
        System.gc();
        long heapMb = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
        long rssMb = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS"))
                .map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024).findFirst().orElse(-1L);

        StringBuilder md = new StringBuilder("# Model switch\n\n");
        md.append(String.format(Locale.ROOT, "Measured %s on %d cores (load average %.2f), %s %s, max heap %d MB. The "
                + "time is from `ModelControl.activateModel` to the reply (the new model's full graph in a new ONNX "
                + "Runtime session, warmed up with %s runs, serving); each direction %d times, alternating, the first "
                + "round left out. ResNet-18 is torchvision's, exported at 224x224 by `torch.onnx.export` (random "
                + "weights: time does not depend on them).%n%n", LocalDate.now(),
                Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), Runtime.getRuntime().maxMemory() / (1024 * 1024), "3",
                ROUNDS - 1));
        md.append("| switch to | runs | p50 ms | p99 ms | session p50 ms | warm-up p50 ms |\n|---|---|---|---|---|---|\n");
        for (Map.Entry<String, List<double[]>> e : byModel.entrySet()) {
            double[] total = e.getValue().stream().mapToDouble(v -> v[0]).toArray();
            double[] session = e.getValue().stream().mapToDouble(v -> v[1]).toArray();
            double[] warmup = e.getValue().stream().mapToDouble(v -> v[2]).toArray();
            md.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.0f | %.0f |%n", e.getKey(), total.length,
                    percentile(total, 50), percentile(total, 99), percentile(session, 50), percentile(warmup, 50)));
        }
        md.append(String.format(Locale.ROOT, "%nInstalling the ResNet-18 model bundle (read, checked, probed on a "
                + "zero input: it ships no calibration images) took %.1f s. With both models installed and the "
                + "Fashion-MNIST model serving, after a GC: heap used %d MB, RSS %d MB (the whole test JVM: Felix, "
                + "Pax Exam and ONNX Runtime's native memory included).%n", installSeconds, heapMb, rssMb));
        Path out = Path.of(System.getProperty("morphgate.benchmarks.out", "../docs/benchmarks"), "model-switch.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, md.toString(), StandardCharsets.UTF_8);
        System.out.print(md);
    }

    private static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
