package io.morphgate.wire;

import static io.morphgate.wire.StrictJson.number;
import static io.morphgate.wire.StrictJson.throughText;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.morphgate.api.budget.Budget;
import io.morphgate.api.policy.PolicyDecision;

class PolicyJsonTest {

    @Test
    void aDecisionRoundTripsWithItsUnknownFiguresAndUnsetLimitsAsNull() {
        PolicyDecision decision = Samples.decision();
        assertTrue(PolicyJson.decision(decision).getAsJsonObject("figures").get("measuredLatencyMillis").isJsonNull(),
                "null in the tree, for any writer");
        JsonObject json = throughText(PolicyJson.decision(decision));
        assertTrue(json.getAsJsonObject("figures").get("measuredLatencyMillis").isJsonNull());
        assertTrue(json.getAsJsonObject("budget").get("maxLatencyMillis").isJsonNull());
        assertTrue(json.getAsJsonObject("budget").get("maxParams").isJsonNull());
        assertEquals(decision, readDecision(json));
    }

    @Test
    void theCandidatesAreListedBySlotName() {
        JsonObject figures = throughText(PolicyJson.decision(Samples.decision())).getAsJsonObject("figures");
        assertEquals(List.of("conv1", "conv2"), List.copyOf(figures.getAsJsonObject("candidates").keySet()));
    }

    @Test
    void onEventPolicyUnknownFiguresAndUnsetLimitsAreLeftOut() {
        JsonObject json = JsonParser.parseString(JsonText.writeWithoutNulls(PolicyJson.decision(Samples.decision())))
                .getAsJsonObject();
        assertFalse(json.getAsJsonObject("figures").has("measuredLatencyMillis"));
        assertFalse(json.getAsJsonObject("budget").has("maxLatencyMillis"));
        assertEquals(2_500_000, json.getAsJsonObject("budget").get("maxMacs").getAsLong());
        assertEquals(0.042, json.getAsJsonObject("figures").get("decisionMillis").getAsDouble());
    }

    private static PolicyDecision readDecision(JsonObject json) {
        JsonObject f = json.getAsJsonObject("figures");
        Map<String, Integer> candidates = new TreeMap<>();
        f.getAsJsonObject("candidates").entrySet().forEach(e -> candidates.put(e.getKey(), e.getValue().getAsInt()));
        return new PolicyDecision(Instant.parse(json.get("decidedAt").getAsString()), json.get("trigger").getAsString(),
                readBudget(json.getAsJsonObject("budget")), number(f, "latencyFactor"),
                ModelJsonTest.readConfiguration(json.getAsJsonObject("previous")),
                ModelJsonTest.readConfiguration(json.getAsJsonObject("chosen")),
                PolicyDecision.Outcome.valueOf(json.get("outcome").getAsString()),
                json.getAsJsonArray("pinnedSlots").asList().stream().map(JsonElement::getAsString).toList(),
                number(f, "expectedAccuracy"), number(f, "predictedLatencyMillis"), number(f, "measuredLatencyMillis"),
                f.get("macs").getAsLong(), f.get("params").getAsLong(), f.get("weightBytes").getAsLong(),
                f.get("agreement").isJsonNull() ? OptionalDouble.empty() : OptionalDouble.of(number(f, "agreement")),
                candidates, f.get("combinationsExamined").getAsLong(), number(f, "decisionMillis"),
                f.get("profilesMeasured").getAsInt(), json.get("detail").getAsString());
    }

    private static Budget readBudget(JsonObject json) {
        return new Budget(json.get("maxLatencyMillis").isJsonNull() ? Double.POSITIVE_INFINITY
                : json.get("maxLatencyMillis").getAsDouble(), limit(json, "maxMacs"), limit(json, "maxParams"),
                limit(json, "maxMemoryBytes"));
    }

    private static long limit(JsonObject json, String name) {
        return json.get(name).isJsonNull() ? Budget.UNLIMITED : json.get(name).getAsLong();
    }
}
