package io.morphgate.fleet.desired;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * The comparison of a gateway's desired budget with the one it reports, and what that makes of the gateway. Only
 * the limits a deployment set are compared; a null limit means "no limit", and a limit a report leaves out is null
 * (the budget verb's result gives all four). Numbers compare by value: 5 equals 5.0.
 */
public final class Drift {

    /** The states of a gateway's desired state (desired_state.status). */
    public static final String IN_SYNC = "IN_SYNC";
    public static final String PENDING = "PENDING";
    public static final String DRIFTED = "DRIFTED";
    public static final String UNKNOWN = "UNKNOWN";

    private Drift() {
    }

    /** One limit that differs. */
    public record Difference(String field, JsonElement desired, JsonElement reported) {
        @Override
        public String toString() {
            return field + ": desired " + show(desired) + ", reported " + show(reported);
        }

        private static String show(JsonElement e) {
            return e.isJsonNull() ? "none" : e.getAsJsonPrimitive().isNumber() ? number(e).stripTrailingZeros()
                    .toPlainString() : e.toString();
        }
    }

    /** The status and what differs. */
    public record Verdict(String status, List<Difference> differences) {
        /** The differences in one line, or null when there are none. */
        public String describe() {
            return differences.isEmpty() ? null
                    : differences.stream().map(Difference::toString).collect(Collectors.joining("; "));
        }
    }

    /** The limits of {@code desired} whose value {@code reported} does not have. */
    public static List<Difference> compare(JsonObject desired, JsonObject reported) {
        List<Difference> differences = new ArrayList<>();
        for (String field : desired.keySet()) {
            JsonElement want = orNull(desired.get(field));
            JsonElement have = orNull(reported.get(field));
            if (!same(want, have)) {
                differences.add(new Difference(field, want, have));
            }
        }
        return differences;
    }

    /**
     * What a gateway is: IN_SYNC without anything desired or when the report has it; UNKNOWN without a report;
     * otherwise DRIFTED when the gateway had confirmed this desired state (something changed it since), PENDING when
     * it never did (a deployment's change that has not reached it).
     */
    public static Verdict judge(JsonObject desired, JsonObject reported, boolean confirmed) {
        if (desired == null || desired.size() == 0) {
            return new Verdict(IN_SYNC, List.of());
        }
        if (reported == null) {
            return new Verdict(UNKNOWN, List.of());
        }
        List<Difference> differences = compare(desired, reported);
        if (differences.isEmpty()) {
            return new Verdict(IN_SYNC, differences);
        }
        return new Verdict(confirmed ? DRIFTED : PENDING, differences);
    }

    /** {@code desired} with the fields of {@code change} set over it (a deployment sets only the limits it names). */
    public static JsonObject merge(JsonObject desired, JsonObject change) {
        JsonObject merged = desired == null ? new JsonObject() : desired.deepCopy();
        change.entrySet().forEach(e -> merged.add(e.getKey(), e.getValue()));
        return merged;
    }

    /** A JSON object from its text, or null for null. */
    public static JsonObject parse(String json) {
        return json == null ? null : JsonParser.parseString(json).getAsJsonObject();
    }

    private static boolean same(JsonElement a, JsonElement b) {
        if (a.isJsonNull() || b.isJsonNull()) {
            return a.isJsonNull() && b.isJsonNull();
        }
        if (a.isJsonPrimitive() && b.isJsonPrimitive() && a.getAsJsonPrimitive().isNumber()
                && b.getAsJsonPrimitive().isNumber()) {
            return number(a).compareTo(number(b)) == 0;
        }
        return a.equals(b);
    }

    private static BigDecimal number(JsonElement e) {
        return new BigDecimal(e.getAsJsonPrimitive().getAsString());
    }

    private static JsonElement orNull(JsonElement e) {
        return e == null ? JsonNull.INSTANCE : e;
    }
}
