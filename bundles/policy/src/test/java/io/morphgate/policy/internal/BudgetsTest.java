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

    @Test
    void aModelsOwnLimitsOverrideTheGatewaysWhileItServes() {
        Map<String, Object> stored = Map.of("maxLatencyMillis", 5.0, "maxMacs", 9_000_000L,
                "model.resnet18.maxLatencyMillis", 40.0, "model.resnet18.maxParams", 2_000_000L);
        Budget resnet = Budgets.from(stored, "resnet18");
        assertEquals(40.0, resnet.maxLatencyMillis(), 0.0);
        assertEquals(9_000_000L, resnet.maxMacs());
        assertEquals(2_000_000L, resnet.maxParams());
        Budget fashion = Budgets.from(stored, "fashion-mnist");
        assertEquals(5.0, fashion.maxLatencyMillis(), 0.0);
        assertEquals(Budget.UNLIMITED, fashion.maxParams());
        assertEquals(Budgets.from(stored), Budgets.from(stored, null));
    }
}
