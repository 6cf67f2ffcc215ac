package io.morphgate.fleet.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

/** One API request: its method, the path's segments after {@code /api/v1/}, its query and its body. */
record ApiRequest(String method, List<String> path, Map<String, String> query, String body) {

    /** {@code a=1&b=x%20y} as a map (a name given twice: the last). */
    static Map<String, String> query(String raw) {
        Map<String, String> query = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            query.put(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return query;
    }

    /** A query parameter that is true or false; {@code otherwise} when absent. */
    boolean flag(String name, boolean otherwise) throws ApiError {
        String value = query.get(name);
        if (value == null) {
            return otherwise;
        }
        if (!value.equals("true") && !value.equals("false")) {
            throw ApiError.badRequest(name, name + ": true or false, not '" + value + "'");
        }
        return Boolean.parseBoolean(value);
    }

    /** A query parameter that is a whole number in [min, max]; {@code otherwise} when absent. */
    int number(String name, int min, int max, int otherwise) throws ApiError {
        String value = query.get(name);
        if (value == null) {
            return otherwise;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw ApiError.badRequest(name, name + ": a whole number from " + min + " to " + max + ", not '" + value + "'");
    }

    /** The body as a JSON object (an empty body: an empty object). */
    JsonObject json() throws ApiError {
        if (body.isBlank()) {
            return new JsonObject();
        }
        try {
            JsonElement json = JsonParser.parseString(body);
            if (json.isJsonObject()) {
                return json.getAsJsonObject();
            }
        } catch (JsonParseException e) {
            throw ApiError.badRequest(null, "the body is not JSON: " + e.getMessage());
        }
        throw ApiError.badRequest(null, "the body is not a JSON object");
    }
}
