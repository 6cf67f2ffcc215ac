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
import io.morphgate.wire.PolicyJson;

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
    void aDecisionIsListedAsEventPolicyCarriesItWithUnknownFiguresAsNull() {
        PolicyDecision decision = decision("overload: p50 0.4 ms over 0.3 ms", PolicyDecision.Outcome.ROLLED_BACK,
                Double.NaN);
        JsonObject d = PolicySection.decisions(List.of(decision)).get(0).getAsJsonObject();
        assertEquals(PolicyJson.decision(decision), d, "one form for a decision: that of event/policy");
        assertEquals("2026-11-27T12:00:00Z", d.get("decidedAt").getAsString());
        assertEquals("ROLLED_BACK", d.get("outcome").getAsString());
        assertEquals(new Configuration(Map.of("conv2", "lowrank-conv2-b0.5")).id(),
                d.getAsJsonObject("chosen").get("id").getAsString());
        JsonObject figures = d.getAsJsonObject("figures");
        assertTrue(figures.get("expectedAccuracy").isJsonNull(), "NaN is null, not invalid JSON");
        assertTrue(figures.get("measuredLatencyMillis").isJsonNull());
        assertEquals(0.21, figures.get("predictedLatencyMillis").getAsDouble(), 1e-12);
        assertEquals(0.4, figures.get("decisionMillis").getAsDouble(), 1e-12);
        assertEquals("agreement 97%", d.get("detail").getAsString());
    }
}
