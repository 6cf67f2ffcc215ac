package io.morphgate.api.evaluation;

import java.util.Map;

/**
 * What one configuration scored when the gateway served it.
 *
 * @param configurationId    id of the configuration that served every image
 * @param variantBySlot      the configuration (slot to variant; absent slots ran their default layer)
 * @param samples            images classified
 * @param correct            images classified right
 * @param params             parameters of the composed model
 * @param macs               multiply-accumulates per image of the composed model
 * @param p50LatencyMillis   median latency of one inference (batch 1) through the inference service
 * @param p99LatencyMillis   99th percentile of the same
 * @param elapsedMillis      wall time of the whole evaluation
 */
public record EvaluationReport(String configurationId, Map<String, String> variantBySlot, int samples, int correct,
        long params, long macs, double p50LatencyMillis, double p99LatencyMillis, double elapsedMillis) {

    public EvaluationReport {
        variantBySlot = Map.copyOf(variantBySlot);
    }

    /** Share of images classified right. */
    public double accuracy() {
        return samples == 0 ? 0 : correct / (double) samples;
    }
}
