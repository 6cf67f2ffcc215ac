package io.morphgate.operator.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class WidthTest {

    @Test
    void truncatesLikePythonsInt() {
        assertEquals(19, Width.scaled(64, 0.3)); // int(19.2)
        assertEquals(16, Width.scaled(32, 0.5));
        assertEquals(4, Width.scaled(32, 0.125));
        assertEquals(2, Width.scaled(20, 0.125)); // int(2.5), not rounded up
        assertEquals(0, Width.scaled(64, 0.01)); // int(0.64)
        // 100 * 0.29 is 28.999999999999996 in binary floating point, so Python's int() gives 28 too
        assertEquals(28, Width.scaled(100, 0.29));
    }

    @Test
    void refusesNegativeAndNonFiniteFactors() {
        assertThrows(IllegalArgumentException.class, () -> Width.scaled(64, -0.5));
        assertThrows(IllegalArgumentException.class, () -> Width.scaled(64, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Width.scaled(64, Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> Width.scaled(-1, 0.5));
    }
}
