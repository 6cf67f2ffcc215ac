package io.morphgate.policy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.morphgate.api.budget.Budget;

class BudgetsTest {

    @Test
    void absentLimitsAreNoLimits() {
        assertEquals(Budget.NONE, Budgets.from(Map.of()));
    }

    @Test
    void readsNumbersAndNumericText() {
        Budget b = Budgets.from(Map.of("maxLatencyMillis", 2.5, "maxMacs", 5_000_000L, "maxParams", "60000"));
        assertEquals(new Budget(2.5, 5_000_000, 60_000, Budget.UNLIMITED), b);
    }

    @Test
    void aLimitThatIsNotAPositiveNumberIsIgnored() {
        assertEquals(Budget.NONE, Budgets.from(Map.of("maxMacs", -1, "maxLatencyMillis", "soon")));
    }
}
