package io.morphgate.status.page.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonObject;

import io.morphgate.api.budget.Budget;
import io.morphgate.api.model.Configuration;
import io.morphgate.api.policy.PolicyDecision;

class PolicySectionTest {

    private static PolicyDecision decision(String trigger, PolicyDecision.Outcome outcome, double accuracy) {
        return new PolicyDecision(Instant.parse("2026-11-27T12:00:00Z"), trigger, Budget.NONE, 1.0,
                new Configuration(Map.of()), new Configuration(Map.of("conv2", "lowrank-conv2-b0.5")), outcome,
                List.of(), accuracy, 0.21, Double.NaN, 9_000_000, 90_000, 360_000, OptionalDouble.of(0.97),
                Map.of("conv2", 3), 12, 0.4, 0, "agreement 97%");
    }

    @Test
    void theListenerKeepsTheNewestDecisionsFirst() {
        PolicyDecisions decisions = new PolicyDecisions();
        for (int i = 0; i < PolicyDecisions.KEPT + 3; i++) {
            decisions.decided(decision("budget changed " + i, PolicyDecision.Outcome.COMMITTED, 0.92));
        }
        List<PolicyDecision> recent = decisions.recent();
        assertEquals(PolicyDecisions.KEPT, recent.size());
        assertEquals("budget changed " + (PolicyDecisions.KEPT + 2), recent.get(0).trigger());
    }

    @Test
    void aDecisionIsRenderedWithItsOutcomeConfigurationAndFigures() {
        JsonObject d = PolicySection.decisions(List.of(decision("overload: p50 0.4 ms over 0.3 ms",
                PolicyDecision.Outcome.ROLLED_BACK, Double.NaN))).get(0).getAsJsonObject();
        assertEquals("2026-11-27T12:00:00Z", d.get("at").getAsString());
        assertEquals("ROLLED_BACK", d.get("outcome").getAsString());
        assertEquals("overload: p50 0.4 ms over 0.3 ms", d.get("trigger").getAsString());
        assertEquals("lowrank-conv2-b0.5", d.getAsJsonObject("configuration").getAsJsonObject("variantBySlot")
                .get("conv2").getAsString());
        assertEquals(new Configuration(Map.of("conv2", "lowrank-conv2-b0.5")).id(),
                d.getAsJsonObject("configuration").get("id").getAsString());
        assertTrue(d.get("expectedAccuracy").isJsonNull(), "NaN is rendered as null, not as invalid JSON");
        assertTrue(d.get("measuredLatencyMillis").isJsonNull());
        assertEquals(0.21, d.get("predictedLatencyMillis").getAsDouble(), 1e-12);
        assertEquals("agreement 97%", d.get("detail").getAsString());
    }
}
