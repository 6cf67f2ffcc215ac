package io.morphgate.backbone.internal;

import java.util.Arrays;
import java.util.List;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.morphgate.api.model.Configuration;
import io.morphgate.api.model.ConfigurationProfile;
import io.morphgate.onnx.CostCounter;

/**
 * Times a composed configuration on this device: a session of its own (the serving model is untouched), warm-up,
 * then single inferences over the calibration images (zeros when the backbone ships none).
 */
final class ConfigurationTimer {

    private ConfigurationTimer() {
    }

    static ConfigurationProfile time(Configuration configuration, ModelProto composed, SessionFactory sessions,
            ServingModel serving, BackboneArtifacts artifacts, int warmupRuns, int runs) {
        if (runs < 1) {
            throw new IllegalArgumentException("profiling needs at least one run, not " + runs);
        }
        List<float[]> inputs = artifacts.calibrationImages().isEmpty()
                ? List.of(new float[artifacts.inputShape().elementCount()]) : artifacts.calibrationImages();
        ComposedModel model = sessions.open(artifacts, configuration, composed, 0);
        CostCounter.ModelCost cost = model.cost();
        try {
            for (int i = 0; i < Math.max(1, warmupRuns); i++) {
                serving.runOn(model, List.of(inputs.get(i % inputs.size())));
            }
            double[] millis = new double[runs];
            for (int i = 0; i < runs; i++) {
                long started = System.nanoTime();
                serving.runOn(model, List.of(inputs.get(i % inputs.size())));
                millis[i] = (System.nanoTime() - started) / 1e6;
            }
            Arrays.sort(millis);
            return new ConfigurationProfile(configuration, percentile(millis, 50), percentile(millis, 99), runs,
                    cost.macs(), cost.params(), cost.params() * Float.BYTES);
        } finally {
            model.close();
        }
    }

    private static double percentile(double[] sorted, double p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
