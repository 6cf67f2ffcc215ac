package io.morphgate.policy.internal;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Locale;

/**
 * How well the additive latency model predicts: after each committed swap the policy times the configuration now
 * serving, and this keeps the ratio measured / predicted of the last {@link #WINDOW} of them. The prediction is the
 * default configuration's profile plus each chosen variant's single-swap change (no load factor: both sides are
 * profiles of an idle session). ONNX Runtime fuses and schedules the composed graph as a whole, so the changes need
 * not add up; this says by how much they do not, in every decision after a swap and in the log.
 */
final class PredictedVersusMeasured {

    static final int WINDOW = 20;

    private final Deque<Double> ratios = new ArrayDeque<>();

    /** Records one committed plan; returns its ratio measured / predicted (NaN when either is unknown). */
    synchronized double record(double predictedMillis, double measuredMillis) {
        if (!(predictedMillis > 0) || !(measuredMillis > 0)) {
            return Double.NaN;
        }
        double ratio = measuredMillis / predictedMillis;
        ratios.addLast(ratio);
        if (ratios.size() > WINDOW) {
            ratios.removeFirst();
        }
        return ratio;
    }

    /** Plans recorded (at most {@link #WINDOW}). */
    synchronized int count() {
        return ratios.size();
    }

    /** The median ratio of the plans recorded; NaN before the first. */
    synchronized double median() {
        double[] sorted = sorted();
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /** For a person: this plan's ratio and the spread over the recent ones. */
    synchronized String describe(double ratio) {
        double[] sorted = sorted();
        if (Double.isNaN(ratio) || sorted.length == 0) {
            return "measured / predicted latency not known";
        }
        return String.format(Locale.ROOT, "measured / predicted latency %.2f (additive model; last %d committed"
                + " plans: median %.2f, %.2f to %.2f)", ratio, sorted.length, median(), sorted[0],
                sorted[sorted.length - 1]);
    }

    private double[] sorted() {
        double[] values = ratios.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(values);
        return values;
    }
}
