package io.morphgate.console;

import com.google.gson.JsonObject;

/**
 * The command payloads besides requestId, in one place: the field names of docs/protocol.md (and of the control
 * bundle's handlers: install and update nest the artifact; budget, pin and unpin are flat).
 */
final class Payloads {

    private Payloads() {
    }

    static JsonObject install(JsonObject artifact) {
        JsonObject json = new JsonObject();
        json.add("artifact", artifact);
        return json;
    }

    static JsonObject update(String symbolicName, JsonObject artifact) {
        JsonObject json = bundle(symbolicName);
        json.add("artifact", artifact);
        return json;
    }

    /** One chunk of a jar: {uploadId, index, count, data (base64)}. */
    static JsonObject upload(String uploadId, int index, int count, String base64) {
        JsonObject json = new JsonObject();
        json.addProperty("uploadId", uploadId);
        json.addProperty("index", index);
        json.addProperty("count", count);
        json.addProperty("data", base64);
        return json;
    }

    static JsonObject bundle(String symbolicName) {
        JsonObject json = new JsonObject();
        json.addProperty("symbolicName", symbolicName);
        return json;
    }

    static JsonObject pin(String slot, String variantId) {
        JsonObject json = new JsonObject();
        json.addProperty("slot", slot);
        json.addProperty("variantId", variantId);
        return json;
    }

    static JsonObject unpin(String slot) {
        JsonObject json = new JsonObject();
        json.addProperty("slot", slot);
        return json;
    }

    /** Only the limits given; an absent limit is not sent. */
    static JsonObject budget(Long maxLatencyMillis, Long maxMacs, Long maxParams, Long maxMemoryBytes) {
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

    /** The model verb: {action} (list), {action, id} (activate). */
    static JsonObject model(String action, String modelId) {
        JsonObject json = new JsonObject();
        json.addProperty("action", action);
        if (modelId != null) {
            json.addProperty("id", modelId);
        }
        return json;
    }
}
