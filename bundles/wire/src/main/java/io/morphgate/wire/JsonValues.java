package io.morphgate.wire;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

/** The JSON form of what JSON has no word for: a number that is not known (NaN), a value that is absent. */
public final class JsonValues {

    private JsonValues() {
    }

    /** The number, or {@code null} when it is NaN or infinite: JSON has no such numbers. */
    public static JsonElement number(double value) {
        return Double.isFinite(value) ? new JsonPrimitive(value) : JsonNull.INSTANCE;
    }

    /** The number, or {@code null} when absent, NaN or infinite. */
    public static JsonElement number(OptionalDouble value) {
        return value.isPresent() ? number(value.getAsDouble()) : JsonNull.INSTANCE;
    }

    /** The string, or {@code null} when absent. */
    public static JsonElement string(Optional<String> value) {
        return value.<JsonElement>map(JsonPrimitive::new).orElse(JsonNull.INSTANCE);
    }

    /** The map as an object whose members are sorted by name, so the same map is always the same text. */
    public static JsonObject sorted(Map<String, ?> map) {
        JsonObject json = new JsonObject();
        new TreeMap<>(map).forEach((name, value) -> json.add(name, value(value)));
        return json;
    }

    private static JsonElement value(Object value) {
        if (value == null) {
            return JsonNull.INSTANCE;
        }
        return value instanceof Number n ? new JsonPrimitive(n) : new JsonPrimitive(value.toString());
    }
}
