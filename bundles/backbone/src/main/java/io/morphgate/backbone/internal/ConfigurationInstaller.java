package io.morphgate.backbone.internal;

import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.morphgate.api.inference.InferenceResult;
import io.morphgate.api.model.Configuration;
import io.morphgate.api.model.SwapRecord;
import io.morphgate.backbone.internal.SessionFactory.RuntimeRefusal;
import io.morphgate.onnx.GraphComposer;
import io.morphgate.onnx.GraphComposer.Replacement;
import io.morphgate.onnx.SlotBoundary;

/**
 * Turns a selection into the serving model: composes its graph, opens its session beside the serving one, warms it
 * up, optionally checks that its predictions agree with the serving model's, switches to it atomically and records
 * the swap. When ONNX Runtime refuses a combination, finds which chosen variants it cannot run. Runs on the swap
 * thread.
 */
final class ConfigurationInstaller {

    private static final System.Logger LOG = System.getLogger(ConfigurationInstaller.class.getName());

    private final SessionFactory sessions;
    private final ServingModel serving;
    private final SwapJournal journal;
    private final VariantAdmission admission;
    private final int warmupRuns;
    private long generation;

    ConfigurationInstaller(SessionFactory sessions, ServingModel serving, SwapJournal journal,
            VariantAdmission admission, int warmupRuns) {
        this.sessions = sessions;
        this.serving = serving;
        this.journal = journal;
        this.admission = admission;
        this.warmupRuns = warmupRuns;
    }

    /** The graph of {@code model} with the selection's variants in their slots. */
    static ModelProto compose(BackboneArtifacts model, SelectionRule.Selection selection) {
        Map<SlotBoundary, Replacement> replacements = new HashMap<>();
        selection.variantBySlot().forEach((slot, variant) -> replacements.put(model.boundary(slot),
                new Replacement(variant.id(), variant.subGraph())));
        return replacements.isEmpty() ? model.model() : GraphComposer.compose(model.model(), replacements);
    }

    /**
     * Makes {@code composed} serve. With a {@code minAgreement} (not NaN), it serves only if it agrees that much with
     * the serving model on the calibration images. Returns the agreement measured, if any.
     *
     * @throws RuntimeRefusal if ONNX Runtime refuses the graph or the warm-up fails
     * @throws Unhealthy if the agreement is below {@code minAgreement}
     */
    OptionalDouble install(BackboneArtifacts model, Configuration configuration, ModelProto composed,
            double composeMillis, String trigger, Instant triggeredAt, double minAgreement) {
        long t0 = System.nanoTime();
        ComposedModel next = sessions.open(model, configuration, composed, generation + 1);
        long sessionEnd = System.nanoTime();
        try {
            float[] zeros = new float[model.inputShape().elementCount()];
            for (int i = 0; i < warmupRuns; i++) {
                serving.runOn(next, List.of(zeros));
            }
        } catch (RuntimeException e) {
            next.close();
            throw new RuntimeRefusal("warm-up of configuration " + configuration.id() + " failed: "
                    + e.getMessage(), e);
        }
        long warmEnd = System.nanoTime();
        OptionalDouble agreement = Double.isNaN(minAgreement) ? OptionalDouble.empty() : agreementWithServing(next);
        if (agreement.isPresent() && agreement.getAsDouble() < minAgreement) {
            next.close();
            throw new Unhealthy(agreement.getAsDouble(), String.format("configuration %s agrees with the serving"
                    + " configuration on %.1f%% of the calibration images, below the %.1f%% required",
                    configuration.id(), 100 * agreement.getAsDouble(), 100 * minAgreement));
        }
        generation = next.generation();
        serving.switchTo(next);
        SwapRecord record = new SwapRecord(next.generation(), configuration, trigger,
                triggeredAt == null ? Instant.now() : triggeredAt, Instant.now(), composeMillis,
                millis(sessionEnd - t0), millis(warmEnd - sessionEnd));
        journal.swapped(record);
        LOG.log(Level.INFO, "serving generation {0}: configuration {1} {2} ({3} MACs); composed in {4} ms, session {5}"
                + " ms, warm-up {6} ms; trigger: {7}", next.generation(), configuration.id(),
                configuration.variantBySlot(), next.cost().macs(), fmt(record.composeMillis()),
                fmt(record.sessionMillis()), fmt(record.warmupMillis()), trigger);
        return agreement;
    }

    /**
     * Tries each chosen variant alone, composed into {@code model}, with one inference; refuses those ONNX Runtime
     * cannot run. Returns how many it refused.
     */
    int refuseWhatTheRuntimeCannotRun(BackboneArtifacts model, SelectionRule.Selection selection) {
        int refused = 0;
        float[] zeros = new float[model.inputShape().elementCount()];
        for (Map.Entry<String, OfferedVariant> chosen : selection.variantBySlot().entrySet()) {
            OfferedVariant variant = chosen.getValue();
            Configuration alone = new Configuration(Map.of(chosen.getKey(), variant.id()));
            try (ComposedModel probe = sessions.open(model, alone, compose(model,
                    new SelectionRule.Selection(alone, Map.of(chosen.getKey(), variant))), 0)) {
                serving.runOn(probe, List.of(zeros));
            } catch (RuntimeException e) {
                admission.refuse(variant, "ONNX Runtime cannot run it: " + e.getMessage());
                refused++;
            }
        }
        return refused;
    }

    /** Fraction of the calibration images on which {@code next} predicts the class the serving model predicts. */
    private OptionalDouble agreementWithServing(ComposedModel next) {
        List<float[]> images = next.model().calibrationImages();
        ComposedModel current = serving.current().orElse(null);
        if (images.isEmpty() || current == null || current.model() != next.model() || !current.tryAcquire()) {
            return OptionalDouble.empty();
        }
        try {
            List<InferenceResult> before = serving.runOn(current, images);
            List<InferenceResult> after = serving.runOn(next, images);
            int same = 0;
            for (int i = 0; i < images.size(); i++) {
                same += before.get(i).predictedClass() == after.get(i).predictedClass() ? 1 : 0;
            }
            return OptionalDouble.of(same / (double) images.size());
        } finally {
            current.release();
        }
    }

    /** A configuration whose predictions moved too far from the serving one's. */
    static final class Unhealthy extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final double agreement;

        Unhealthy(double agreement, String message) {
            super(message);
            this.agreement = agreement;
        }

        double agreement() {
            return agreement;
        }
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    private static String fmt(double millis) {
        return String.format("%.1f", millis);
    }
}
