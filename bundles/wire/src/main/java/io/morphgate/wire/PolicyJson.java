package io.morphgate.wire;

import static io.morphgate.wire.JsonValues.number;
import static io.morphgate.wire.JsonValues.sorted;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import io.morphgate.api.budget.Budget;
import io.morphgate.api.policy.PolicyDecision;

/**
 * A policy decision on the wire ({@code event/policy}, status.json's {@code policy.decisions}). A figure that is not
 * known (NaN) and a budget limit that is not set are null here; {@code event/policy} leaves such members out.
 */
public final class PolicyJson {

    private PolicyJson() {
    }

    public static JsonObject decision(PolicyDecision d) {
        JsonObject json = new JsonObject();
        json.addProperty("decidedAt", d.decidedAt().toString());
        json.addProperty("trigger", d.trigger());
        json.addProperty("outcome", d.outcome().name());
        json.add("previous", ModelJson.configuration(d.previous()));
        json.add("chosen", ModelJson.configuration(d.chosen()));
        JsonArray pinned = new JsonArray();
        d.pinnedSlots().forEach(pinned::add);
        json.add("pinnedSlots", pinned);
        json.add("budget", budget(d.budget()));
        json.add("figures", figures(d));
        json.addProperty("detail", d.detail());
        return json;
    }

    /** What the decision was made from. */
    private static JsonObject figures(PolicyDecision d) {
        JsonObject json = new JsonObject();
        json.add("expectedAccuracy", number(d.expectedAccuracy()));
        json.add("predictedLatencyMillis", number(d.predictedLatencyMillis()));
        json.add("measuredLatencyMillis", number(d.measuredLatencyMillis()));
        json.add("latencyFactor", number(d.latencyFactor()));
        json.addProperty("macs", d.macs());
        json.addProperty("params", d.params());
        json.addProperty("weightBytes", d.weightBytes());
        json.add("agreement", number(d.agreement()));
        json.add("candidates", sorted(d.candidates()));
        json.addProperty("combinationsExamined", d.combinationsExamined());
        json.add("decisionMillis", number(d.decisionMillis()));
        json.addProperty("profilesMeasured", d.profilesMeasured());
        return json;
    }

    /** A budget; a limit that is not set ({@link Budget#UNLIMITED}, an infinite latency) is null. */
    public static JsonObject budget(Budget b) {
        JsonObject json = new JsonObject();
        json.add("maxLatencyMillis", number(b.maxLatencyMillis()));
        json.add("maxMacs", limit(b.maxMacs()));
        json.add("maxParams", limit(b.maxParams()));
        json.add("maxMemoryBytes", limit(b.maxMemoryBytes()));
        return json;
    }

    private static JsonElement limit(long value) {
        return value == Budget.UNLIMITED ? JsonNull.INSTANCE : new JsonPrimitive(value);
    }
}
