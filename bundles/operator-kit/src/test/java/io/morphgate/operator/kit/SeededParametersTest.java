package io.morphgate.operator.kit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

class SeededParametersTest {

    @Test
    void sameSeedSameValues() {
        assertArrayEquals(new SeededParameters(7).convWeights(8, 4, 3, 3),
                new SeededParameters(7).convWeights(8, 4, 3, 3));
        assertArrayEquals(SeededParameters.forVariant(42, "x-conv1-b0.5").biases(5),
                SeededParameters.forVariant(42, "x-conv1-b0.5").biases(5));
    }

    @Test
    void eachVariantGetsItsOwnStream() {
        assertFalse(Arrays.equals(SeededParameters.forVariant(42, "x-conv1-b0.5").biases(5),
                SeededParameters.forVariant(42, "x-conv1-b0.25").biases(5)));
        assertFalse(Arrays.equals(SeededParameters.forVariant(42, "x-conv1-b0.5").biases(5),
                SeededParameters.forVariant(43, "x-conv1-b0.5").biases(5)));
    }

    @Test
    void heNormalWeightsHaveTheirShapeAndScale() {
        // fan-in 64 * 3 * 3 = 576, so the standard deviation is sqrt(2 / 576) = 0.0589
        float[] w = new SeededParameters(1).convWeights(64, 64, 3, 3);
        assertEquals(64 * 64 * 9, w.length);
        double sumOfSquares = 0;
        for (float v : w) {
            sumOfSquares += v * v;
        }
        assertEquals(Math.sqrt(2.0 / 576), Math.sqrt(sumOfSquares / w.length), 0.002);
    }

    @Test
    void batchNormIsNearTheIdentityWithPositiveVariance() {
        BatchNormParameters bn = new SeededParameters(3).batchNorm(32);
        assertEquals(32, bn.channels());
        for (int c = 0; c < 32; c++) {
            assertTrue(bn.variance()[c] >= 0.5f && bn.variance()[c] < 1.5f);
            assertEquals(1f, bn.scale()[c], 0.5f);
            assertEquals(0f, bn.bias()[c], 0.5f);
        }
    }
}
