package io.morphgate.control.mqtt.internal.command;

import java.util.OptionalDouble;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import io.morphgate.api.budget.Budget;
import io.morphgate.api.policy.PolicyDecision;

/**
 * How a policy decision looks on {@code event/policy} (field names as in docs/protocol.md). Figures that are not
 * known (NaN) are null here and left out on the wire.
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
        JsonObject figures = new JsonObject();
        figures.add("expectedAccuracy", number(d.expectedAccuracy()));
        figures.add("predictedLatencyMillis", number(d.predictedLatencyMillis()));
        figures.add("measuredLatencyMillis", number(d.measuredLatencyMillis()));
        figures.add("latencyFactor", number(d.latencyFactor()));
        figures.addProperty("macs", d.macs());
        figures.addProperty("params", d.params());
        figures.addProperty("weightBytes", d.weightBytes());
        figures.add("agreement", number(d.agreement()));
        JsonObject candidates = new JsonObject();
        d.candidates().forEach(candidates::addProperty);
        figures.add("candidates", candidates);
        figures.addProperty("combinationsExamined", d.combinationsExamined());
        figures.add("decisionMillis", number(d.decisionMillis()));
        figures.addProperty("profilesMeasured", d.profilesMeasured());
        json.add("figures", figures);
        json.addProperty("detail", d.detail());
        return json;
    }

    /** A budget; a limit that is not set is null here, so it is left out on the wire (see {@link Json}). */
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

    private static JsonElement number(double value) {
        return Double.isFinite(value) ? new JsonPrimitive(value) : JsonNull.INSTANCE;
    }

    private static JsonElement number(OptionalDouble value) {
        return value.isPresent() ? number(value.getAsDouble()) : JsonNull.INSTANCE;
    }
}
