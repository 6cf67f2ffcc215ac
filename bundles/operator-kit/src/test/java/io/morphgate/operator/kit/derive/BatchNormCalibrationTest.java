package io.morphgate.operator.kit.derive;

import io.morphgate.api.slot.SlotWeights;
import io.morphgate.operator.kit.derive.BatchNormCalibration.BatchNorm;
import io.morphgate.operator.kit.derive.BatchNormCalibration.ChannelStatistics;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchNormCalibrationTest {
    private static final int CHANNELS = 3, PLANE = 20;
    private final SlotWeights w = TestSlots.weights(CHANNELS, 2, 3, 31);

    @Test
    void statisticsArePerChannelOverSamplesAndPositions() {
        // two samples, two channels, two positions: channel 0 sees 1,2,3,4 and channel 1 sees 10,20,30,40
        ChannelStatistics s = BatchNormCalibration.statistics(
                List.of(new float[] {1, 2, 10, 20}, new float[] {3, 4, 30, 40}), 2);
        assertArrayEquals(new double[] {2.5, 25}, s.mean(), 1e-12);
        assertArrayEquals(new double[] {1.25, 125}, s.variance(), 1e-12);
    }

    @Test
    void statisticsRefuseSamplesThatAreNotChannelPlanes() {
        assertThrows(IllegalArgumentException.class,
                () -> BatchNormCalibration.statistics(List.of(new float[] {1, 2, 3}), 2));
    }

    @Test
    void sharedIsACopyOfTheSlotBatchNorm() {
        BatchNorm bn = BatchNormCalibration.shared(w);
        assertArrayEquals(w.bnMean(), bn.mean());
        assertArrayEquals(w.bnVariance(), bn.variance());
        assertNotSame(w.bnMean(), bn.mean());
        assertEquals(w.bnEpsilon(), bn.epsilon());
    }

    @Test
    void recalibrationUndoesAnAffineDriftOfTheConv() {
        List<float[]> conv = TestSlots.inputs(8, CHANNELS * PLANE, 32);
        List<float[]> drifted = new ArrayList<>();
        for (float[] z : conv) {
            float[] d = new float[z.length];
            for (int i = 0; i < z.length; i++) {
                d[i] = 2 * z[i] + 1;
            }
            drifted.add(d);
        }
        BatchNorm original = BatchNormCalibration.shared(w);
        BatchNorm recalibrated = BatchNormCalibration.recalibrate(w,
                BatchNormCalibration.statistics(conv, CHANNELS), BatchNormCalibration.statistics(drifted, CHANNELS));
        assertArrayEquals(w.bnScale(), recalibrated.scale());
        assertArrayEquals(w.bnBias(), recalibrated.bias());
        for (int n = 0; n < conv.size(); n++) {
            float[] expected = apply(original, conv.get(n)), actual = apply(recalibrated, drifted.get(n));
            assertTrue(TestSlots.maxAbsDiff(expected, actual) < 1e-5, "sample " + n);
        }
    }

    @Test
    void aFlatChannelKeepsItsVarianceAndFollowsTheMean() {
        List<float[]> conv = TestSlots.inputs(4, CHANNELS * PLANE, 33);
        List<float[]> flat = new ArrayList<>();
        for (float[] z : conv) {
            float[] f = z.clone();
            java.util.Arrays.fill(f, 0, PLANE, 0.75f); // channel 0 constant
            flat.add(f);
        }
        ChannelStatistics original = BatchNormCalibration.statistics(conv, CHANNELS);
        BatchNorm bn = BatchNormCalibration.recalibrate(w, original, BatchNormCalibration.statistics(flat, CHANNELS));
        assertEquals(w.bnVariance()[0], bn.variance()[0]);
        assertEquals(w.bnMean()[0] + 0.75 - original.mean()[0], bn.mean()[0], 1e-6);
        assertEquals(w.bnVariance()[1], bn.variance()[1], 1e-6, "an unchanged channel keeps its statistics");
    }

    /** Inference BN of one sample, the way ONNX defines it. */
    private static float[] apply(BatchNorm bn, float[] z) {
        float[] y = new float[z.length];
        int plane = z.length / bn.scale().length;
        for (int i = 0; i < z.length; i++) {
            int c = i / plane;
            y[i] = (float) (bn.scale()[c] * (z[i] - bn.mean()[c]) / Math.sqrt(bn.variance()[c] + bn.epsilon())
                    + bn.bias()[c]);
        }
        return y;
    }
}
