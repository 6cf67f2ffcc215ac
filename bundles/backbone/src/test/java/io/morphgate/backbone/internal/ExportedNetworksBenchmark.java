package io.morphgate.backbone.internal;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.BiFunction;

import org.junit.jupiter.api.Test;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.morphgate.api.model.Configuration;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.slot.SlotWeights;
import io.morphgate.onnx.CostCounter;
import io.morphgate.onnx.GraphComposer;
import io.morphgate.onnx.GraphComposer.Replacement;
import io.morphgate.onnx.OnnxModelIO;
import io.morphgate.onnx.SlotBoundary;
import io.morphgate.operator.depthwise.internal.DepthwiseDerivation;
import io.morphgate.operator.kit.BlockVariant;
import io.morphgate.operator.lowrank.internal.LowRankDerivation;

/**
 * Not a test: the figures of docs/benchmarks/exported-networks.md. torchvision's ResNet-18 at 224x224 exported by
 * torch.onnx.export (random weights; time does not depend on them), with every slot the gateway finds replaced by
 * data-free variants (low-rank b0.5 and b0.25, depthwise m1), timed side by side with the full model in one run, in
 * turns, at 1 and 2 intra-op threads with spinning off; and the gateway's serving path against ONNX Runtime called
 * directly on the same graph. Run with
 * {@code MORPHGATE_EXPORTED_MODELS_224=DIR mvn -pl bundles/backbone test -Dtest=ExportedNetworksBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false} after
 * {@code python3 models/export/export_torchvision.py --out DIR --size 224 --models resnet18}.
 */
class ExportedNetworksBenchmark {

    private static final int WARMUP = 5;
    private static final int ROUNDS = Integer.getInteger("rounds", 25);

    @Test
    void resnet18At224() throws Exception {
        String folder = System.getenv("MORPHGATE_EXPORTED_MODELS_224");
        assumeTrue(folder != null && Files.isRegularFile(Path.of(folder, "resnet18.onnx")),
                "MORPHGATE_EXPORTED_MODELS_224 names no folder with resnet18.onnx");
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        long t0 = System.nanoTime();
        BackboneArtifacts model = LocalModelFile.read(Path.of(folder, "resnet18.onnx"), null);
        double loadSeconds = (System.nanoTime() - t0) / 1e9;

        Map<String, ModelProto> configurations = new LinkedHashMap<>();
        Map<String, Double> deriveSeconds = new LinkedHashMap<>();
        configurations.put("full model", model.model());
        LowRankDerivation lowRank = new LowRankDerivation(model.backboneId(), List.of(0.5, 0.25));
        DepthwiseDerivation depthwise = new DepthwiseDerivation(model.backboneId());
        for (double beta : new double[] {0.5, 0.25}) {
            put(configurations, deriveSeconds, "low-rank b" + beta + " (data-free) in every slot", model,
                    (slot, w) -> lowRank.derive(slot, w, List.of(), beta));
        }
        put(configurations, deriveSeconds, "depthwise m1 (data-free) in every slot", model,
                (slot, w) -> depthwise.derive(slot, w, List.of(), 1));

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        float[] input = new float[3 * 224 * 224];
        Random random = new Random(1);
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) random.nextGaussian();
        }
        StringBuilder table = new StringBuilder();
        table.append("| configuration | slots replaced | MACs | full MACs / MACs | params | threads | median ms | p90 ms"
                + " | speed-up vs full (medians) |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        long fullMacs = CostCounter.count(model.model()).macs();
        for (int threads : new int[] {1, 2}) {
            Map<String, OrtSession> sessions = new LinkedHashMap<>();
            for (Map.Entry<String, ModelProto> c : configurations.entrySet()) {
                sessions.put(c.getKey(), session(env, c.getValue(), threads));
            }
            Map<String, double[]> times = timeInTurns(env, sessions, input);
            double fullMedian = percentile(times.get("full model"), 50);
            for (Map.Entry<String, ModelProto> c : configurations.entrySet()) {
                CostCounter.ModelCost cost = CostCounter.count(c.getValue());
                double median = percentile(times.get(c.getKey()), 50);
                table.append(String.format(Locale.ROOT, "| %s | %d | %,d | %.2fx | %,d | %d | %.1f | %.1f | %.2fx |%n",
                        c.getKey(), c.getKey().equals("full model") ? 0 : model.slots().size(), cost.macs(),
                        fullMacs / (double) cost.macs(), cost.params(), threads, median,
                        percentile(times.get(c.getKey()), 90), fullMedian / median));
            }
            for (OrtSession s : sessions.values()) {
                s.close();
            }
        }
        String gatewayVsOrt = gatewayAgainstOnnxRuntime(env, model, input);
        String loadAfter = Files.readString(Path.of("/proc/loadavg")).trim();
        StringBuilder derive = new StringBuilder();
        deriveSeconds.forEach((k, v) -> derive.append(String.format(Locale.ROOT, "- %s: %.1f s%n", k, v)));
        String report = "# Exported networks: ResNet-18 at 224x224, data-free variants in every slot\n\n"
                + "Measured " + LocalDate.now() + " by `bundles/backbone/src/test/java/io/morphgate/backbone/internal/"
                + "ExportedNetworksBenchmark.java` on 2 cores (Java " + System.getProperty("java.version")
                + ", ONNX Runtime " + env.getVersion() + "), load average `" + loadBefore + "` before and `"
                + loadAfter + "` after. torchvision ResNet-18, `torch.onnx.export` (random weights, BN folded),"
                + " 224x224, batch 1; the gateway found " + model.slots().size() + " slots (the 7x7 stem and sixteen"
                + " 3x3 convs). Each configuration has its own session (spinning off, sequential execution, all"
                + " graph optimisations); " + ROUNDS + " rounds after " + WARMUP + " warm-up runs, each round running"
                + " every configuration once in turn, so that the machine's noise falls on all of them alike."
                + " Speed-ups are ratios of medians measured in the same run.\n\n"
                + "Rerun: `python3 models/export/export_torchvision.py --out DIR --size 224 --models resnet18`, then\n"
                + "`MORPHGATE_EXPORTED_MODELS_224=DIR mvn -pl bundles/backbone test -Dtest=ExportedNetworksBenchmark"
                + " -Dsurefire.failIfNoSpecifiedTests=false`.\n\n"
                + table + "\n"
                + "Model read, checked and its slots found in " + String.format(Locale.ROOT, "%.1f", loadSeconds)
                + " s; data-free derivation of every slot (no calibration images, so no BN correction):\n\n" + derive
                + "\n" + gatewayVsOrt + "\n"
                + "Not measured here yet (issue 14): swap times, import with calibration, heap and RSS, MobileNet-V2"
                + " and VGG-11 at this size, and the policy's configurations (only uniform ones are timed).\n";
        System.out.println(report);
        Path out = Path.of("../../docs/benchmarks/exported-networks.md");
        if (Files.isDirectory(out.getParent())) {
            Files.writeString(out, report);
        }
    }

    private static void put(Map<String, ModelProto> configurations, Map<String, Double> deriveSeconds, String name,
            BackboneArtifacts model, BiFunction<SlotSpec, SlotWeights, Optional<BlockVariant>> derive) {
        long t0 = System.nanoTime();
        Map<SlotBoundary, Replacement> replacements = new HashMap<>();
        for (SlotSpec slot : model.slots()) {
            BlockVariant v = derive.apply(slot, model.weights(slot.name()).orElseThrow()).orElseThrow(
                    () -> new AssertionError(name + ": no variant for " + slot));
            replacements.put(model.boundary(slot.name()), new Replacement(v.descriptor().id(),
                    OnnxModelIO.read(v.subGraph())));
        }
        deriveSeconds.put(name, (System.nanoTime() - t0) / 1e9);
        configurations.put(name, GraphComposer.compose(model.model(), replacements));
    }

    private static OrtSession session(OrtEnvironment env, ModelProto model, int threads) throws Exception {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setIntraOpNumThreads(threads);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            return env.createSession(OnnxModelIO.write(model), options);
        }
    }

    private static Map<String, double[]> timeInTurns(OrtEnvironment env, Map<String, OrtSession> sessions,
            float[] input) throws Exception {
        Map<String, double[]> times = new LinkedHashMap<>();
        sessions.keySet().forEach(k -> times.put(k, new double[ROUNDS]));
        try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), new long[] {1, 3, 224, 224})) {
            for (OrtSession s : sessions.values()) {
                for (int i = 0; i < WARMUP; i++) {
                    s.run(Map.of("input", x)).close();
                }
            }
            for (int round = 0; round < ROUNDS; round++) {
                for (Map.Entry<String, OrtSession> s : sessions.entrySet()) {
                    long t0 = System.nanoTime();
                    s.getValue().run(Map.of("input", x)).close();
                    times.get(s.getKey())[round] = (System.nanoTime() - t0) / 1e6;
                }
            }
        }
        return times;
    }

    /** The full model through the backbone's serving path (ComposedModel, ServingModel) against ORT directly. */
    private static String gatewayAgainstOnnxRuntime(OrtEnvironment env, BackboneArtifacts model, float[] input)
            throws Exception {
        SessionFactory sessions = new SessionFactory(env, 1, false);
        ServingModel serving = new ServingModel(env);
        double[] gateway = new double[ROUNDS];
        double[] direct = new double[ROUNDS];
        try (ComposedModel composed = sessions.open(model, Configuration.DEFAULT, model.model(), 1);
                OrtSession plain = session(env, model.model(), 1);
                OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), new long[] {1, 3, 224, 224})) {
            for (int i = 0; i < WARMUP; i++) {
                serving.runOn(composed, List.of(input));
                plain.run(Map.of("input", x)).close();
            }
            for (int round = 0; round < ROUNDS; round++) {
                long t0 = System.nanoTime();
                serving.runOn(composed, List.of(input));
                gateway[round] = (System.nanoTime() - t0) / 1e6;
                t0 = System.nanoTime();
                plain.run(Map.of("input", x)).close();
                direct[round] = (System.nanoTime() - t0) / 1e6;
            }
        } finally {
            serving.close();
        }
        double g = percentile(gateway, 50);
        double d = percentile(direct, 50);
        return String.format(Locale.ROOT, "Gateway against ONNX Runtime on the same graph (full model, 1 thread, in"
                + " turns): the backbone's serving path (input copy, session run, softmax) median %.1f ms, ONNX"
                + " Runtime called directly %.1f ms: ratio %.3f (goal <= 1.05).%n", g, d, g / d);
    }

    private static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
