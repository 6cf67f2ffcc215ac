package io.morphgate.evaluation.internal;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.morphgate.api.evaluation.AccuracyEvaluator;
import io.morphgate.api.evaluation.EvaluationReport;
import io.morphgate.api.evaluation.LabelledImages;
import io.morphgate.api.inference.InferenceResult;
import io.morphgate.api.inference.InferenceService;
import io.morphgate.api.model.Configuration;
import io.morphgate.api.model.ModelDescriptor;
import io.morphgate.api.model.ModelControl;
import io.morphgate.api.model.ModelStatus;
import io.morphgate.api.model.SlotState;
import io.morphgate.model.Preprocessing;

/**
 * Evaluates a configuration on the gateway itself: pins every slot to it, classifies the images in batches through
 * the inference service (checking that each result names the configuration), times single-image inferences, and
 * restores the pins it found.
 */
@Component(service = AccuracyEvaluator.class)
public class ConfigurationEvaluator implements AccuracyEvaluator {

    private static final System.Logger LOG = System.getLogger(ConfigurationEvaluator.class.getName());
    private static final int BATCH = 100;
    private static final long SWAP_TIMEOUT_SECONDS = 60;

    private final ModelControl control;
    private final InferenceService inference;

    @Activate
    public ConfigurationEvaluator(@Reference ModelControl control, @Reference InferenceService inference) {
        this.control = control;
        this.inference = inference;
    }

    @Override
    public synchronized EvaluationReport evaluate(Configuration configuration, LabelledImages images,
            int latencySamples) {
        long started = System.nanoTime();
        Map<String, Optional<String>> previousPins = new HashMap<>();
        for (SlotState slot : control.status().slots()) {
            previousPins.put(slot.spec().name(), slot.pinnedVariant());
        }
        for (String slot : configuration.variantBySlot().keySet()) {
            if (!previousPins.containsKey(slot)) {
                throw new IllegalArgumentException("the backbone has no slot " + slot);
            }
        }
        Map<String, String> pins = new HashMap<>();
        previousPins.keySet().forEach(slot -> pins.put(slot, configuration.variantBySlot().getOrDefault(slot, "default")));
        try {
            await(control.pin(pins));
            ModelStatus status = control.status();
            if (!status.configuration().equals(configuration)) {
                throw new IllegalArgumentException("configuration " + configuration.variantBySlot()
                        + " cannot serve: the gateway serves " + status.configuration().variantBySlot()
                        + " (a variant is not bound or was refused)");
            }
            int correct = classify(configuration, images);
            double[] latency = latencies(images, latencySamples);
            EvaluationReport report = new EvaluationReport(configuration.id(), configuration.variantBySlot(),
                    images.size(), correct, status.params(), status.macs(), percentile(latency, 50),
                    percentile(latency, 99), (System.nanoTime() - started) / 1e6);
            LOG.log(Level.INFO, String.format("evaluated %s %s: %.2f%% of %d images, %,d MACs, p50 %.3f ms",
                    report.configurationId(), report.variantBySlot(), 100 * report.accuracy(), report.samples(),
                    report.macs(), report.p50LatencyMillis()));
            return report;
        } finally {
            restore(previousPins);
        }
    }

    private int classify(Configuration configuration, LabelledImages images) {
        ModelDescriptor.Input input = servingInput();
        int correct = 0;
        for (int start = 0; start < images.size(); start += BATCH) {
            int end = Math.min(images.size(), start + BATCH);
            List<float[]> batch = new ArrayList<>(end - start);
            for (int i = start; i < end; i++) {
                batch.add(Preprocessing.fromGreyUnit(images.pixels().get(i), images.width(), images.height(), input));
            }
            List<InferenceResult> results = inference.inferBatch(batch);
            for (int i = 0; i < results.size(); i++) {
                InferenceResult r = results.get(i);
                if (!r.configurationId().equals(configuration.id())) {
                    throw new IllegalStateException("the configuration changed during the evaluation of "
                            + configuration.id() + ": image " + (start + i) + " was served by " + r.configurationId());
                }
                correct += r.predictedClass() == images.labels()[start + i] ? 1 : 0;
            }
        }
        return correct;
    }

    private double[] latencies(LabelledImages images, int samples) {
        ModelDescriptor.Input input = servingInput();
        int n = Math.min(samples, images.size());
        double[] millis = new double[n];
        for (int i = 0; i < n; i++) {
            float[] x = Preprocessing.fromGreyUnit(images.pixels().get(i), images.width(), images.height(), input);
            long t0 = System.nanoTime();
            inference.infer(x);
            millis[i] = (System.nanoTime() - t0) / 1e6;
        }
        return millis;
    }

    private void restore(Map<String, Optional<String>> previousPins) {
        Map<String, String> pinned = new HashMap<>();
        List<String> unpinned = new ArrayList<>();
        previousPins.forEach((slot, pin) -> pin.ifPresentOrElse(v -> pinned.put(slot, v), () -> unpinned.add(slot)));
        try {
            await(control.unpin(unpinned));
            if (!pinned.isEmpty()) {
                await(control.pin(pinned));
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not restore the pins " + previousPins + ": " + e.getMessage());
        }
    }

    private ModelDescriptor.Input servingInput() {
        return inference.model().orElseThrow(() -> new IllegalStateException("no model serves: nothing to evaluate"))
                .input();
    }

    private static void await(java.util.concurrent.CompletionStage<ModelStatus> swap) {
        try {
            swap.toCompletableFuture().get(SWAP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the backbone did not swap within " + SWAP_TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a swap", e);
        }
    }

    static double percentile(double[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
