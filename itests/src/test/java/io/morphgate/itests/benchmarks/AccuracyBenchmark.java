package io.morphgate.itests.benchmarks;

import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession.SessionOptions.ExecutionMode;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import com.google.gson.GsonBuilder;

import io.morphgate.api.evaluation.AccuracyEvaluator;
import io.morphgate.api.evaluation.EvaluationReport;
import io.morphgate.api.evaluation.LabelledImages;
import io.morphgate.api.inference.InferenceService;
import io.morphgate.api.model.ModelDescriptor;
import io.morphgate.model.Preprocessing;
import io.morphgate.api.model.ModelControl;
import io.morphgate.api.model.ModelStatus;
import io.morphgate.api.model.VariantState;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.slot.TensorShape;
import io.morphgate.evaluation.dataset.FashionMnist;
import io.morphgate.itests.OperatorFeatures;
import io.morphgate.itests.TestSupport;
import io.morphgate.onnx.OnnxModelIO;

/**
 * Benchmark harness, not a test: accuracy of the gateway's configurations measured by the gateway itself on the
 * 10,000 Fashion-MNIST test images. The full model, every variant swapped in alone, and, for MAC budgets of 75, 50,
 * 33 and 25 % of the full model, the best configuration found: every combination of the measured single-slot
 * choices is ranked by its exact MACs and its predicted accuracy (the full model's plus each chosen variant's
 * single-swap change), and the top candidates under the budget are measured. Writes {@code
 * docs/benchmarks/accuracy.md} and {@code accuracy.json} (plotted by {@link AccuracyPlot}).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class AccuracyBenchmark extends TestSupport {

    private static final double[] BUDGETS = {0.75, 0.50, 0.33, 0.25};
    private static final int SCREENED = 20;
    private static final int SCREEN_IMAGES = 2000;
    private static final int CANDIDATES = 3;
    private static final int LATENCY_SAMPLES = 500;
    /** The goal: at least this many times fewer MACs and lower latency, at most this much accuracy loss. */
    private static final double GOAL_MACS_REDUCTION = 3.0;
    private static final double GOAL_LATENCY_REDUCTION = 2.0;
    private static final double GOAL_MAX_LOSS_POINTS = 1.0;
    private static final int GOAL_SCREENED = 40;
    private static final int GOAL_CANDIDATES = 8;
    private static final int PAIRED_ROUNDS = 7;
    private static final int PAIRED_SAMPLES = 300;

    @Configuration
    public Option[] configuration() {
        List<String> features = new ArrayList<>(List.of(OperatorFeatures.ALL));
        features.add("morphgate-evaluation");
        return gatewayOptions(features.toArray(String[]::new));
    }

    @Test
    public void measure() throws Exception {
        ModelControl control = service(ModelControl.class, 10_000);
        AccuracyEvaluator evaluator = service(AccuracyEvaluator.class, 10_000);
        await("every operator bundle to settle", 120_000, () -> OperatorFeatures.OPERATOR_BUNDLES.stream()
                .allMatch(b -> OperatorFeatures.settled(control, bundle(b))));
        // the full test set; -Dmorphgate.benchmarks.testImages=N for a quick check of the harness
        LabelledImages test = FashionMnist.read(FashionMnist.DEBIAN_DIRECTORY, FashionMnist.Split.TEST,
                Integer.getInteger("morphgate.benchmarks.testImages", 10_000));
        ModelStatus status = control.status();
        Map<String, SlotSpec> slots = new LinkedHashMap<>();
        status.slots().forEach(s -> slots.put(s.spec().name(), s.spec()));

        // a discarded first pass, so the full model's latency is not measured on a cold JIT and fresh sessions
        evaluator.evaluate(io.morphgate.api.model.Configuration.DEFAULT, test, LATENCY_SAMPLES);
        EvaluationReport full = evaluator.evaluate(io.morphgate.api.model.Configuration.DEFAULT, test, LATENCY_SAMPLES);
        List<Single> singles = new ArrayList<>();
        for (VariantState v : status.variants()) {
            if (v.accepted()) {
                EvaluationReport r = evaluator.evaluate(new io.morphgate.api.model.Configuration(
                        Map.of(v.descriptor().slot(), v.descriptor().id())), test, LATENCY_SAMPLES);
                singles.add(new Single(v, r));
            }
        }
        singles.sort(Comparator.comparing((Single s) -> s.state().descriptor().slot())
                .thenComparing(s -> s.state().descriptor().id()));

        ConfigurationSearch search = new ConfigurationSearch(full, slots, singles);
        LabelledImages screenSet = new LabelledImages(test.pixels().subList(0, Math.min(SCREEN_IMAGES, test.size())),
                Arrays.copyOf(test.labels(), Math.min(SCREEN_IMAGES, test.size())), test.height(),
                test.width());
        List<Map<String, Object>> budgetRows = new ArrayList<>();
        StringBuilder md = header(full, status);
        md.append("\n## Best configuration found per MAC budget\n\n");
        md.append("Each combination of single-slot choices (default layer or a measured variant) is ranked by its exact "
                + "MACs and its predicted accuracy (the full model's plus each chosen variant's single-swap change); "
                + "the top " + SCREENED + " under the budget are measured on the first " + SCREEN_IMAGES + " test "
                + "images, the best " + CANDIDATES + " of those on all of them, and the best is shown. Latencies here "
                + "are each configuration's own timing, taken minutes apart on a shared machine; the goal section "
                + "below times configurations side by side with the full model.\n\n");
        md.append("| budget | configuration | accuracy | loss vs full (points) | MACs | MACs reduction | params | p50 ms | "
                + "p99 ms | latency reduction (p50) | measured on all images |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (double budget : BUDGETS) {
            long limit = (long) (full.macs() * budget);
            EvaluationReport best = null;
            List<Map<String, String>> candidates = screen(evaluator, search.best(limit, SCREENED), screenSet);
            for (Map<String, String> c : candidates) {
                EvaluationReport r = evaluator.evaluate(new io.morphgate.api.model.Configuration(c), test,
                        LATENCY_SAMPLES);
                if (best == null || r.accuracy() > best.accuracy()) {
                    best = r;
                }
            }
            if (best == null) {
                md.append(String.format(Locale.ROOT, "| %.0f%% | none fits | | | | | | | | | 0 |%n", 100 * budget));
                continue;
            }
            md.append(String.format(Locale.ROOT, "| %.0f%% | %s | %.2f%% | %.2f | %,d | %.2fx | %,d | %.3f | %.3f | %.2fx | %d |%n",
                    100 * budget, describe(best.variantBySlot()), 100 * best.accuracy(),
                    100 * (full.accuracy() - best.accuracy()), best.macs(), (double) full.macs() / best.macs(),
                    best.params(), best.p50LatencyMillis(), best.p99LatencyMillis(),
                    full.p50LatencyMillis() / best.p50LatencyMillis(), candidates.size()));
            budgetRows.add(row("budget " + Math.round(100 * budget) + "%", best));
        }

        md.append(goalCheck(evaluator, search, full, test, screenSet));

        md.append("\n## Every variant swapped in alone\n\n| slot | variant | provenance | accuracy | change (points) "
                + "| MACs | params | p50 ms | p99 ms |\n|---|---|---|---|---|---|---|---|---|\n");
        List<Map<String, Object>> singleRows = new ArrayList<>();
        for (Single s : singles) {
            EvaluationReport r = s.report();
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %.2f%% | %+.2f | %,d | %,d | %.3f | %.3f |%n",
                    s.state().descriptor().slot(), s.state().descriptor().id(), s.state().descriptor().provenance(),
                    100 * r.accuracy(), 100 * (r.accuracy() - full.accuracy()), r.macs(), r.params(),
                    r.p50LatencyMillis(), r.p99LatencyMillis()));
            singleRows.add(row(s.state().descriptor().id(), r));
        }
        md.append("\n![accuracy against latency](accuracy.png)\n");

        Path out = Path.of(System.getProperty("morphgate.benchmarks.out", "../docs/benchmarks"));
        Files.createDirectories(out);
        Files.writeString(out.resolve("accuracy.md"), md.toString(), StandardCharsets.UTF_8);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("full", row("full model", full));
        json.put("budgets", budgetRows);
        json.put("singles", singleRows);
        Files.writeString(out.resolve("accuracy.json"), new GsonBuilder().setPrettyPrinting().create().toJson(json),
                StandardCharsets.UTF_8);
        System.out.println(md);
    }

    /**
     * The goal: among the configurations with at least {@value #GOAL_MACS_REDUCTION}x fewer MACs, the
     * {@value #GOAL_SCREENED} with the best predicted accuracy are screened, and the {@value #GOAL_CANDIDATES} best
     * of those measured on every test image and timed against the full model side by side: {@value #PAIRED_ROUNDS}
     * rounds that each time the full model and then the candidate on the same {@value #PAIRED_SAMPLES} images, so
     * both see the same machine; the latency reduction is the median over rounds of full p50 / candidate p50.
     */
    private String goalCheck(AccuracyEvaluator evaluator, ConfigurationSearch search, EvaluationReport full,
            LabelledImages test, LabelledImages screenSet) throws Exception {
        long limit = (long) (full.macs() / GOAL_MACS_REDUCTION);
        List<Map<String, String>> candidates = screenTop(evaluator, search.best(limit, GOAL_SCREENED), screenSet,
                GOAL_CANDIDATES);
        int timed = Math.min(PAIRED_SAMPLES, test.size()); // fewer with -Dmorphgate.benchmarks.testImages
        LabelledImages timing = new LabelledImages(test.pixels().subList(0, timed),
                Arrays.copyOf(test.labels(), timed), test.height(), test.width());
        StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "%n## The goal: >= %.0fx fewer MACs, >= %.0fx "
                + "lower latency, <= %.1f point loss%n%n", GOAL_MACS_REDUCTION, GOAL_LATENCY_REDUCTION,
                GOAL_MAX_LOSS_POINTS));
        md.append(String.format(Locale.ROOT, "Among the configurations with at most 1/%.0f of the full model's MACs, "
                + "the %d with the best predicted accuracy were measured on the first %d test images and the best %d "
                + "of those on all of them. Each was timed against the full model side by side: %d rounds, each "
                + "timing the full model and then the configuration on the same %d single images; the latency "
                + "reduction is the median over the rounds of full p50 / configuration p50 (the spread is the "
                + "lowest and highest round).%n%n", GOAL_MACS_REDUCTION, GOAL_SCREENED, SCREEN_IMAGES,
                candidates.size(), PAIRED_ROUNDS, PAIRED_SAMPLES));
        md.append("| configuration | accuracy | loss (points) | MACs reduction | params | full p50 ms | p50 ms | "
                + "latency reduction (median, spread) | meets the goal |\n|---|---|---|---|---|---|---|---|---|\n");
        int meeting = 0;
        for (Map<String, String> c : candidates) {
            io.morphgate.api.model.Configuration configuration = new io.morphgate.api.model.Configuration(c);
            EvaluationReport r = evaluator.evaluate(configuration, test, 1);
            double[] ratios = new double[PAIRED_ROUNDS];
            double[] fullP50 = new double[PAIRED_ROUNDS];
            double[] p50 = new double[PAIRED_ROUNDS];
            for (int round = 0; round < PAIRED_ROUNDS; round++) {
                fullP50[round] = evaluator.evaluate(io.morphgate.api.model.Configuration.DEFAULT, timing,
                        PAIRED_SAMPLES).p50LatencyMillis();
                p50[round] = evaluator.evaluate(configuration, timing, PAIRED_SAMPLES).p50LatencyMillis();
                ratios[round] = fullP50[round] / p50[round];
            }
            double ratio = median(ratios);
            double loss = 100 * (full.accuracy() - r.accuracy());
            double macsReduction = (double) full.macs() / r.macs();
            boolean meets = macsReduction >= GOAL_MACS_REDUCTION && ratio >= GOAL_LATENCY_REDUCTION
                    && loss <= GOAL_MAX_LOSS_POINTS;
            meeting += meets ? 1 : 0;
            md.append(String.format(Locale.ROOT, "| %s | %.2f%% | %.2f | %.2fx | %,d | %.3f | %.3f | %.2fx (%.2f-%.2f) "
                    + "| %s |%n", describe(r.variantBySlot()), 100 * r.accuracy(), loss, macsReduction, r.params(),
                    median(fullP50), median(p50), ratio, Arrays.stream(ratios).min().orElse(0),
                    Arrays.stream(ratios).max().orElse(0), meets ? "yes" : "no"));
        }
        md.append(String.format(Locale.ROOT, "%n%d of %d measured configurations meet the goal.%n", meeting,
                candidates.size()));
        md.append(directLatency(candidates, timing));
        return md.toString();
    }

    /**
     * The same configurations outside the gateway: the full model and the composed graph each in its own ONNX
     * Runtime session (the gateway's options: all optimisations, sequential execution), with ONNX Runtime's default
     * intra-op threads and with one, timed side by side in {@value #PAIRED_ROUNDS} rounds of
     * {@value #PAIRED_SAMPLES} single images. Shows how much of the latency is the graph itself, and what the
     * thread pool does to a model this small.
     */
    private String directLatency(List<Map<String, String>> candidates, LabelledImages timing) throws Exception {
        InferenceService inference = service(InferenceService.class, 10_000);
        ModelDescriptor.Input input = inference.model().orElseThrow().input();
        List<float[]> inputs = new ArrayList<>();
        for (float[] pixels : timing.pixels()) {
            inputs.add(Preprocessing.fromGreyUnit(pixels, timing.width(), timing.height(), input));
        }
        Bundle backbone = bundle("morphgate.model.fashion-mnist");
        byte[] fullModel = OnnxModelIO.write(ComposedGraphs.compose(context, backbone, Map.of()));
        StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "%nThe same configurations run directly by ONNX "
                + "Runtime, outside the gateway: the full model and the composed graph each in its own session (all "
                + "optimisations, sequential execution, as the gateway creates them), timed side by side in %d rounds "
                + "of %d single images, with ONNX Runtime's default intra-op thread pool (%d cores here) and with one "
                + "thread. Latency reduction: median over the rounds of full p50 / configuration p50.%n%n",
                PAIRED_ROUNDS, PAIRED_SAMPLES, Runtime.getRuntime().availableProcessors()));
        md.append("| configuration | default threads: full p50 ms | p50 ms | reduction (spread) | 1 thread: full p50 ms "
                + "| p50 ms | reduction (spread) |\n|---|---|---|---|---|---|---|\n");
        for (Map<String, String> c : candidates) {
            byte[] composed = OnnxModelIO.write(ComposedGraphs.compose(context, backbone, c));
            md.append("| ").append(describe(c));
            for (int threads : new int[] {0, 1}) {
                double[][] t = pairedDirect(fullModel, composed, threads, inputs, inference.inputShape());
                md.append(String.format(Locale.ROOT, " | %.3f | %.3f | %.2fx (%.2f-%.2f)", median(t[0]), median(t[1]),
                        median(t[2]), Arrays.stream(t[2]).min().orElse(0),
                        Arrays.stream(t[2]).max().orElse(0)));
            }
            md.append(" |\n");
        }
        return md.toString();
    }

    /** Per round: full p50, configuration p50 and their ratio, in three arrays. */
    private static double[][] pairedDirect(byte[] fullModel, byte[] composed, int threads, List<float[]> inputs,
            TensorShape shape) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (SessionOptions options = new SessionOptions()) {
            options.setOptimizationLevel(OptLevel.ALL_OPT);
            options.setExecutionMode(ExecutionMode.SEQUENTIAL);
            if (threads > 0) {
                options.setIntraOpNumThreads(threads);
            }
            try (OrtSession full = env.createSession(fullModel, options);
                 OrtSession configuration = env.createSession(composed, options)) {
                double[][] out = new double[3][PAIRED_ROUNDS];
                timeDirect(env, full, inputs, shape); // warm-up
                timeDirect(env, configuration, inputs, shape);
                for (int round = 0; round < PAIRED_ROUNDS; round++) {
                    out[0][round] = timeDirect(env, full, inputs, shape);
                    out[1][round] = timeDirect(env, configuration, inputs, shape);
                    out[2][round] = out[0][round] / out[1][round];
                }
                return out;
            }
        }
    }

    /** p50 in milliseconds of single-image runs over {@code inputs}. */
    private static double timeDirect(OrtEnvironment env, OrtSession session,
            List<float[]> inputs, TensorShape shape) throws Exception {
        String input = session.getInputNames().iterator().next();
        long[] dims = {1, shape.channels(), shape.height(), shape.width()};
        double[] millis = new double[inputs.size()];
        for (int i = 0; i < inputs.size(); i++) {
            long t0 = System.nanoTime();
            try (OnnxTensor x = OnnxTensor.createTensor(env,
                    FloatBuffer.wrap(inputs.get(i)), dims);
                 OrtSession.Result result = session.run(Map.of(input, x))) {
                result.get(0);
            }
            millis[i] = (System.nanoTime() - t0) / 1e6;
        }
        return median(millis);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** The {@value #CANDIDATES} best of {@code candidates} measured on the screening images. */
    private static List<Map<String, String>> screen(AccuracyEvaluator evaluator, List<Map<String, String>> candidates,
            LabelledImages screenSet) {
        return screenTop(evaluator, candidates, screenSet, CANDIDATES);
    }

    /** The {@code keep} best of {@code candidates} measured on the screening images. */
    private static List<Map<String, String>> screenTop(AccuracyEvaluator evaluator,
            List<Map<String, String>> candidates, LabelledImages screenSet, int keep) {
        List<EvaluationReport> screened = new ArrayList<>();
        for (Map<String, String> c : candidates) {
            screened.add(evaluator.evaluate(new io.morphgate.api.model.Configuration(c), screenSet, 1));
        }
        screened.sort(Comparator.comparingDouble(EvaluationReport::accuracy).reversed());
        return screened.stream().limit(keep).map(EvaluationReport::variantBySlot).toList();
    }

    /** A variant and what it scored swapped in alone. */
    record Single(VariantState state, EvaluationReport report) {
    }

    private static StringBuilder header(EvaluationReport full, ModelStatus status) {
        StringBuilder md = new StringBuilder("# Accuracy of the gateway's configurations (Fashion-MNIST test set)\n\n");
        md.append(String.format(Locale.ROOT, "Measured %s on %d cores by the gateway itself (`AccuracyEvaluator`: the "
                + "configuration is pinned, the %,d test images go through the inference service in batches of "
                + "100, and %d single-image inferences are timed for the latency percentiles). Backbone `%s`.%n%n",
                LocalDate.now(), Runtime.getRuntime().availableProcessors(), full.samples(), LATENCY_SAMPLES,
                status.backboneId()));
        md.append(String.format(Locale.ROOT, "Full model: **%.2f%%**, %,d MACs, %,d params, p50 %.3f ms, p99 %.3f ms.%n",
                100 * full.accuracy(), full.macs(), full.params(), full.p50LatencyMillis(), full.p99LatencyMillis()));
        return md;
    }

    private static String describe(Map<String, String> variantBySlot) {
        if (variantBySlot.isEmpty()) {
            return "default";
        }
        List<String> parts = new ArrayList<>();
        new java.util.TreeMap<>(variantBySlot).forEach((slot, v) -> parts.add(v));
        return String.join(", ", parts);
    }

    private static Map<String, Object> row(String name, EvaluationReport r) {
        Map<String, Object> row = new HashMap<>();
        row.put("name", name);
        row.put("configuration", r.variantBySlot());
        row.put("accuracy", r.accuracy());
        row.put("macs", r.macs());
        row.put("params", r.params());
        row.put("p50LatencyMillis", r.p50LatencyMillis());
        row.put("p99LatencyMillis", r.p99LatencyMillis());
        return row;
    }
}
