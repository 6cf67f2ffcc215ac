package io.morphgate.fleet.http;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import io.morphgate.console.Payloads;
import io.morphgate.fleet.rollout.RolloutPlan;

/**
 * The body of {@code POST /api/v1/rollouts} read into a {@link RolloutPlan}: only the types here (a field of the
 * wrong type or unknown is refused, so a typo does not fall back to a default); the rules are the plan's.
 *
 * <pre>{"id": "r-1", "group": "edge", "gateways": ["gw-1"], "budget": {"maxLatencyMillis": 5}, "canary": 1,
 *  "waveSize": 10, "wavePauseSeconds": 30, "healthWaitSeconds": 30, "maxBadShare": 0.2, "commandTimeoutSeconds": 30}</pre>
 */
final class RolloutRequest {

    private static final Set<String> FIELDS = Set.of("id", "group", "gateways", "budget", "canary", "waveSize",
            "wavePauseSeconds", "healthWaitSeconds", "maxBadShare", "commandTimeoutSeconds");

    private RolloutRequest() {
    }

    static RolloutPlan plan(JsonObject body) throws ApiError {
        for (String field : body.keySet()) {
            if (!FIELDS.contains(field)) {
                throw ApiError.badRequest(field, "unknown field " + field + "; known: " + FIELDS);
            }
        }
        JsonObject budget = object(body, "budget");
        for (String limit : budget.keySet()) {
            if (!Payloads.BUDGET_LIMITS.contains(limit)) {
                throw ApiError.badRequest("budget." + limit, "unknown limit " + limit + "; known: " + Payloads.BUDGET_LIMITS);
            }
        }
        return new RolloutPlan(text(body, "id"), text(body, "group"), texts(body, "gateways"),
                whole(budget, "maxLatencyMillis", "budget."), whole(budget, "maxMacs", "budget."),
                whole(budget, "maxParams", "budget."), whole(budget, "maxMemoryBytes", "budget."),
                count(body, "canary", RolloutPlan.DEFAULT_CANARY), count(body, "waveSize", RolloutPlan.DEFAULT_WAVE_SIZE),
                number(body, "wavePauseSeconds", RolloutPlan.DEFAULT_WAVE_PAUSE_SECONDS),
                number(body, "healthWaitSeconds", RolloutPlan.DEFAULT_HEALTH_WAIT_SECONDS),
                number(body, "maxBadShare", RolloutPlan.DEFAULT_MAX_BAD_SHARE),
                number(body, "commandTimeoutSeconds", RolloutPlan.DEFAULT_COMMAND_TIMEOUT_SECONDS));
    }

    private static JsonElement get(JsonObject json, String name) {
        JsonElement e = json.get(name);
        return e == null || e.isJsonNull() ? null : e;
    }

    private static String text(JsonObject json, String name) throws ApiError {
        JsonElement e = get(json, name);
        if (e == null) {
            return null;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw ApiError.badRequest(name, name + ": a string");
        }
        return e.getAsString();
    }

    private static List<String> texts(JsonObject json, String name) throws ApiError {
        JsonElement e = get(json, name);
        List<String> list = new ArrayList<>();
        if (e == null) {
            return list;
        }
        if (!e.isJsonArray()) {
            throw ApiError.badRequest(name, name + ": an array of gateway ids");
        }
        for (JsonElement item : e.getAsJsonArray()) {
            if (!item.isJsonPrimitive() || !item.getAsJsonPrimitive().isString()) {
                throw ApiError.badRequest(name, name + ": an array of gateway ids (strings)");
            }
            list.add(item.getAsString());
        }
        return list;
    }

    private static JsonObject object(JsonObject json, String name) throws ApiError {
        JsonElement e = get(json, name);
        if (e == null) {
            return new JsonObject();
        }
        if (!e.isJsonObject()) {
            throw ApiError.badRequest(name, name + ": an object of limits, e.g. {\"maxLatencyMillis\": 5}");
        }
        return e.getAsJsonObject();
    }

    private static BigDecimal decimal(JsonObject json, String name, String prefix) throws ApiError {
        JsonElement e = get(json, name);
        if (e == null) {
            return null;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw ApiError.badRequest(prefix + name, prefix + name + ": a number");
        }
        return e.getAsBigDecimal();
    }

    private static Long whole(JsonObject json, String name, String prefix) throws ApiError {
        BigDecimal d = decimal(json, name, prefix);
        try {
            return d == null ? null : d.longValueExact();
        } catch (ArithmeticException e) {
            throw ApiError.badRequest(prefix + name, prefix + name + ": a whole number, not " + d);
        }
    }

    private static int count(JsonObject json, String name, int otherwise) throws ApiError {
        Long n = whole(json, name, "");
        if (n == null) {
            return otherwise;
        }
        if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
            throw ApiError.badRequest(name, name + ": too large");
        }
        return n.intValue();
    }

    private static double number(JsonObject json, String name, double otherwise) throws ApiError {
        BigDecimal d = decimal(json, name, "");
        return d == null ? otherwise : d.doubleValue();
    }
}
