package io.morphgate.control.mqtt.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

class PolicyEventTest {

    @Test
    void aDecisionGoesOutOnEventPolicyWithItsTriggerFiguresAndConfiguration() {
        RecordingOutbox outbox = new RecordingOutbox();
        Configuration chosen = new Configuration(Map.of("conv2", "lowrank-conv2-b0.5"));
        PolicyDecision decision = new PolicyDecision(Instant.parse("2026-11-27T20:00:00Z"), "budget changed: MACs <= 9000000",
                new Budget(Double.POSITIVE_INFINITY, 9_000_000, Budget.UNLIMITED, Budget.UNLIMITED), 1.0,
                Configuration.DEFAULT, chosen, PolicyDecision.Outcome.COMMITTED, List.of("conv1"), 0.9237, 0.131,
                Double.NaN, 8_900_000, 90_000, 360_000, OptionalDouble.of(0.95), Map.of("conv1", 0, "conv2", 4), 17,
                0.042, 0, "committed " + chosen.id());
        new EventPublisher(outbox).policy(decision);
        RecordingOutbox.Message message = outbox.messages.get(0);
        assertEquals("event/policy", message.topic());
        assertFalse(message.retained());
        JsonObject json = message.json();
        assertEquals("budget changed: MACs <= 9000000", json.get("trigger").getAsString());
        assertEquals("COMMITTED", json.get("outcome").getAsString());
        assertEquals(chosen.id(), json.getAsJsonObject("chosen").get("id").getAsString());
        assertEquals("lowrank-conv2-b0.5",
                json.getAsJsonObject("chosen").getAsJsonObject("variantBySlot").get("conv2").getAsString());
        assertEquals("default", json.getAsJsonObject("previous").get("id").getAsString());
        assertEquals("conv1", json.getAsJsonArray("pinnedSlots").get(0).getAsString());
        JsonObject budget = json.getAsJsonObject("budget");
        assertEquals(9_000_000, budget.get("maxMacs").getAsLong());
        assertFalse(budget.has("maxLatencyMillis"), "a limit not set is left out");
        assertFalse(budget.has("maxParams"));
        JsonObject figures = json.getAsJsonObject("figures");
        assertEquals(0.9237, figures.get("expectedAccuracy").getAsDouble());
        assertFalse(figures.has("measuredLatencyMillis"), "a figure not known (NaN) is left out");
        assertEquals(0.95, figures.get("agreement").getAsDouble());
        assertEquals(4, figures.getAsJsonObject("candidates").get("conv2").getAsInt());
        assertEquals(0.042, figures.get("decisionMillis").getAsDouble());
        assertEquals(8_900_000, figures.get("macs").getAsLong());
    }
}
