package io.morphgate.itests.benchmarks;

import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import io.morphgate.api.model.ModelControl;
import io.morphgate.api.model.VariantState;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.variant.OperatorVariant;
import io.morphgate.api.variant.VariantDescriptor;
import io.morphgate.itests.BackboneFiles;
import io.morphgate.itests.OperatorFeatures;
import io.morphgate.itests.TestSupport;
import io.morphgate.onnx.GraphComposer;
import io.morphgate.onnx.GraphComposer.Replacement;
import io.morphgate.onnx.OnnxModelIO;
import io.morphgate.onnx.SlotBoundary;

/**
 * Benchmark harness, not a test: every variant of the five operator bundles, its counted cost and its measured
 * latency next to the slot's default layer, alone (the slot's sub-graph) and inside the whole model (composed with
 * only that variant swapped in). Default and variant run alternately in one loop so that both see the same noise.
 * Writes {@code docs/benchmarks/operators.md}.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class OperatorsBenchmark extends TestSupport {

    private static final int WARMUP = 30;
    private static final int RUNS = 300;

    @Configuration
    public Option[] configuration() {
        return gatewayOptions(OperatorFeatures.ALL);
    }

    @Test
    public void measure() throws Exception {
        ModelControl control = service(ModelControl.class, 10_000);
        OfferedVariants variants = collect(control);
        BackboneFiles backbone = BackboneFiles.of(bundle("morphgate.model.fashion-mnist"));
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, SlotSpec> slots = new HashMap<>();
        control.status().slots().forEach(s -> slots.put(s.spec().name(), s.spec()));

        StringBuilder md = new StringBuilder("# Operators: cost and latency of every variant\n\n");
        md.append(String.format(Locale.ROOT, "Measured %s on %d cores, batch 1, ONNX Runtime 1.20 (ALL_OPT, sequential)"
                + " in a real Felix. For each variant, %d alternating runs of the variant and of the default; medians "
                + "in ms; ratio = variant / default. MACs and params are counted by `CostCounter` on the sub-graph. "
                + "Agreement: share of the backbone's 64 calibration images on which the model with only this variant "
                + "predicts what the default model predicts. Calibration error: relative L2 error of the slot's output "
                + "on those images (derived variants only). Trained variants carry their whole-model test accuracy, "
                + "measured by the gateway in `accuracy.md`.%n%n",
                LocalDate.now(), Runtime.getRuntime().availableProcessors(), RUNS));
        md.append("| slot | variant | operator | params | MACs | MACs vs default | slot ms | default slot ms | slot ratio"
                + " | model ms | default model ms | model ratio | agreement | calibration error |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        try (SessionOptions options = options(); OrtSession defaultModel = env.createSession(
                OnnxModelIO.write(backbone.model()), options)) {
            for (VariantDescriptor d : variants.descriptors()) {
                SlotSpec slot = slots.get(d.slot());
                SlotBoundary boundary = backbone.slots().get(d.slot());
                ModelProto sub = OnnxModelIO.read(variants.subGraphs().get(d.id()));
                ModelProto defaultSlot = GraphComposer.extract(backbone.model(), boundary);
                ModelProto whole = GraphComposer.compose(backbone.model(), Map.of(boundary, new Replacement(d.id(), sub)));
                double[] slotMs;
                double[] modelMs;
                try (OrtSession a = env.createSession(OnnxModelIO.write(sub), options);
                        OrtSession b = env.createSession(OnnxModelIO.write(defaultSlot), options);
                        OrtSession c = env.createSession(OnnxModelIO.write(whole), options)) {
                    long[] slotShape = {1, slot.input().channels(), slot.input().height(), slot.input().width()};
                    slotMs = alternate(env, a, b, slotShape);
                    modelMs = alternate(env, c, defaultModel, new long[] {1, 1, 28, 28});
                }
                VariantState state = variants.states().get(d.id());
                md.append(String.format(Locale.ROOT,
                        "| %s | %s | %s | %,d | %,d | %.0f%% | %.3f | %.3f | %.2f | %.3f | %.3f | %.2f | %s | %s |%n",
                        d.slot(), d.id(), d.kind(), d.params(), d.macs(), 100.0 * d.macs() / slot.defaultMacs(),
                        slotMs[0], slotMs[1], slotMs[0] / slotMs[1], modelMs[0], modelMs[1], modelMs[0] / modelMs[1],
                        state == null || state.agreement().isEmpty() ? "-"
                                : String.format(Locale.ROOT, "%.1f%%", 100 * state.agreement().getAsDouble()),
                        d.hyperParameters().getOrDefault("calibrationRelativeError", "-")));
            }
        }
        md.append("\nDefault layers: ");
        slots.values().stream().sorted(Comparator.comparingInt(SlotSpec::index)).forEach(s -> md.append(String.format(
                Locale.ROOT, "%s %s, %,d params, %,d MACs; ", s.name(), s.defaultLayer(), s.defaultParams(),
                s.defaultMacs())));
        md.append("\n");
        Path out = Path.of(System.getProperty("morphgate.benchmarks.out", "../docs/benchmarks"), "operators.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, md.toString(), StandardCharsets.UTF_8);
        System.out.println(md);
    }

    /** The variants of every operator bundle, with what the backbone made of them. */
    record OfferedVariants(List<VariantDescriptor> descriptors, Map<String, byte[]> subGraphs,
            Map<String, VariantState> states) {
    }

    private OfferedVariants collect(ModelControl control) throws Exception {
        List<VariantDescriptor> descriptors = new ArrayList<>();
        Map<String, byte[]> graphs = new HashMap<>();
        await("every operator bundle to register its variants, derived ones included", 60_000,
                () -> OperatorFeatures.OPERATOR_BUNDLES.stream()
                        .allMatch(b -> OperatorFeatures.settled(control, bundle(b))));
        for (ServiceReference<OperatorVariant> ref : context.getServiceReferences(OperatorVariant.class, null)) {
            OperatorVariant v = context.getService(ref);
            descriptors.add(v.descriptor());
            graphs.put(v.descriptor().id(), v.subGraph());
            context.ungetService(ref);
        }
        descriptors.sort(Comparator.comparing(VariantDescriptor::slot).thenComparing(d -> d.kind().name())
                .thenComparing(VariantDescriptor::id));
        // agreement is measured in the background after admission
        await("the agreement of every accepted variant", 120_000, () -> control.status().variants().stream()
                .filter(VariantState::accepted).allMatch(v -> v.agreement().isPresent()));
        Map<String, VariantState> states = new HashMap<>();
        control.status().variants().forEach(s -> states.put(s.descriptor().id(), s));
        return new OfferedVariants(descriptors, graphs, states);
    }

    /** Median ms of {variant, reference}, run alternately. */
    private static double[] alternate(OrtEnvironment env, OrtSession variant, OrtSession reference, long[] shape)
            throws Exception {
        int size = (int) (shape[1] * shape[2] * shape[3]);
        float[] x = new float[size];
        Random random = new Random(7);
        for (int i = 0; i < size; i++) {
            x[i] = (float) random.nextGaussian();
        }
        double[] a = new double[RUNS];
        double[] b = new double[RUNS];
        for (int i = -WARMUP; i < RUNS; i++) {
            double ta = time(env, variant, x, shape);
            double tb = time(env, reference, x, shape);
            if (i >= 0) {
                a[i] = ta;
                b[i] = tb;
            }
        }
        return new double[] {ServingBenchmark.percentile(a, 50), ServingBenchmark.percentile(b, 50)};
    }

    private static double time(OrtEnvironment env, OrtSession session, float[] x, long[] shape) throws Exception {
        long t0 = System.nanoTime();
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
                OrtSession.Result r = session.run(Map.of(session.getInputNames().iterator().next(), t))) {
            r.get(0).getValue();
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    private static SessionOptions options() throws Exception {
        SessionOptions options = new SessionOptions();
        options.setOptimizationLevel(SessionOptions.OptLevel.ALL_OPT);
        options.setExecutionMode(SessionOptions.ExecutionMode.SEQUENTIAL);
        return options;
    }
}
