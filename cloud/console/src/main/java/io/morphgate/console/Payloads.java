package io.morphgate.console;

import java.util.List;

import com.google.gson.JsonNull;
import com.google.gson.JsonObject;

/**
 * The command payloads besides requestId, in one place: the field names of docs/protocol.md (and of the control
 * bundle's handlers: install and update nest the artifact; budget, pin and unpin are flat).
 */
public final class Payloads {

    private Payloads() {
    }

    public static JsonObject install(JsonObject artifact) {
        JsonObject json = new JsonObject();
        json.add("artifact", artifact);
        return json;
    }

    public static JsonObject update(String symbolicName, JsonObject artifact) {
        JsonObject json = bundle(symbolicName);
        json.add("artifact", artifact);
        return json;
    }

    /** One chunk of a jar: {uploadId, index, count, data (base64)}. */
    public static JsonObject upload(String uploadId, int index, int count, String base64) {
        JsonObject json = new JsonObject();
        json.addProperty("uploadId", uploadId);
        json.addProperty("index", index);
        json.addProperty("count", count);
        json.addProperty("data", base64);
        return json;
    }

    public static JsonObject bundle(String symbolicName) {
        JsonObject json = new JsonObject();
        json.addProperty("symbolicName", symbolicName);
        return json;
    }

    public static JsonObject pin(String slot, String variantId) {
        JsonObject json = new JsonObject();
        json.addProperty("slot", slot);
        json.addProperty("variantId", variantId);
        return json;
    }

    public static JsonObject unpin(String slot) {
        JsonObject json = new JsonObject();
        json.addProperty("slot", slot);
        return json;
    }

    /** Only the limits given; an absent limit is not sent. */
    public static JsonObject budget(Long maxLatencyMillis, Long maxMacs, Long maxParams, Long maxMemoryBytes) {
        JsonObject json = new JsonObject();
        if (maxLatencyMillis != null) {
            json.addProperty("maxLatencyMillis", maxLatencyMillis);
        }
        if (maxMacs != null) {
            json.addProperty("maxMacs", maxMacs);
        }
        if (maxParams != null) {
            json.addProperty("maxParams", maxParams);
        }
        if (maxMemoryBytes != null) {
            json.addProperty("maxMemoryBytes", maxMemoryBytes);
        }
        return json;
    }

    /** The four limit names of {@code budget}, as the gateway's reply gives them. */
    public static final List<String> BUDGET_LIMITS = List.of("maxLatencyMillis", "maxMacs", "maxParams",
            "maxMemoryBytes");

    /**
     * Every limit of {@link #BUDGET_LIMITS} as {@code limits} has it, an absent or null one as null (which removes
     * it): the budget that restores one read before (a budget reply's result), whatever is in force now.
     */
    public static JsonObject budgetExactly(JsonObject limits) {
        JsonObject json = new JsonObject();
        for (String name : BUDGET_LIMITS) {
            json.add(name, limits.has(name) ? limits.get(name) : JsonNull.INSTANCE);
        }
        return json;
    }

    /** The model verb: {action} (list), {action, id} (activate). */
    public static JsonObject model(String action, String modelId) {
        JsonObject json = new JsonObject();
        json.addProperty("action", action);
        if (modelId != null) {
            json.addProperty("id", modelId);
        }
        return json;
    }
}
