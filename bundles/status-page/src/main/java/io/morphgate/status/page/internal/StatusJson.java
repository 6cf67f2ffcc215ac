package io.morphgate.status.page.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import io.morphgate.api.inference.ServingStatistics;
import io.morphgate.api.model.Configuration;
import io.morphgate.api.model.ModelStatus;
import io.morphgate.api.model.SlotState;
import io.morphgate.api.model.SwapRecord;
import io.morphgate.api.model.VariantState;
import io.morphgate.api.serving.QueueStatistics;

/**
 * The parts of {@code /morphgate/status.json} that come from the model and inference services. Field names are those
 * of the MQTT telemetry and status replies (docs/protocol.md), so a reader of one can read the other.
 */
final class StatusJson {

    private StatusJson() {
    }

    /** The fields of the MQTT {@code telemetry} message, from the same services. */
    static JsonObject telemetry(ModelStatus status, ServingStatistics serving, long uptimeSeconds) {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        JsonObject json = new JsonObject();
        json.addProperty("at", Instant.now().toString());
        json.addProperty("state", status.state().name());
        json.add("configuration", configuration(status.configuration()));
        json.addProperty("generation", status.generation());
        json.addProperty("swaps", status.generation());
        json.add("p50LatencyMillis", number(serving.p50LatencyMillis()));
        json.add("p99LatencyMillis", number(serving.p99LatencyMillis()));
        json.addProperty("requestsPerSecond", serving.requestsPerSecond());
        json.addProperty("requests", serving.requests());
        json.addProperty("failures", serving.failures());
        json.addProperty("windowSeconds", serving.windowSeconds());
        json.addProperty("heapUsedBytes", heap.getUsed());
        json.addProperty("heapMaxBytes", heap.getMax());
        json.addProperty("uptimeSeconds", uptimeSeconds);
        return json;
    }

    static JsonObject model(ModelStatus status) {
        JsonObject json = new JsonObject();
        json.addProperty("backboneId", status.backboneId());
        status.model().ifPresent(m -> {
            json.addProperty("id", m.id());
            json.addProperty("version", m.version());
            json.addProperty("input", m.input().shape().toString());
        });
        json.addProperty("state", status.state().name());
        json.add("configuration", configuration(status.configuration()));
        json.addProperty("generation", status.generation());
        json.addProperty("params", status.params());
        json.addProperty("macs", status.macs());
        json.add("lastError", string(status.lastError()));
        JsonArray slots = new JsonArray();
        status.slots().forEach(s -> slots.add(slot(s)));
        json.add("slots", slots);
        JsonArray variants = new JsonArray();
        status.variants().forEach(v -> variants.add(variant(v)));
        json.add("variants", variants);
        JsonArray swaps = new JsonArray();
        status.recentSwaps().forEach(s -> swaps.add(swap(s)));
        json.add("recentSwaps", swaps);
        return json;
    }

    static JsonObject queue(QueueStatistics q) {
        JsonObject json = new JsonObject();
        json.addProperty("queued", q.queued());
        json.addProperty("capacity", q.capacity());
        json.addProperty("accepted", q.accepted());
        json.addProperty("refused", q.refused());
        json.addProperty("rejected", q.rejected());
        json.addProperty("batches", q.batches());
        json.addProperty("meanBatchSize", q.batches() == 0 ? 0 : (double) q.batchedRequests() / q.batches());
        json.addProperty("maxBatchSize", q.maxBatchSize());
        json.addProperty("maxBatchDelayMicros", q.maxDelayMicros());
        return json;
    }

    static JsonObject point(HistoryPoint p) {
        JsonObject json = new JsonObject();
        json.addProperty("at", p.atMillis());
        json.addProperty("requestsPerSecond", p.requestsPerSecond());
        json.add("p50LatencyMillis", number(p.p50LatencyMillis()));
        json.add("p99LatencyMillis", number(p.p99LatencyMillis()));
        json.addProperty("failures", p.failures());
        json.addProperty("queued", p.queued());
        json.addProperty("refused", p.refused());
        return json;
    }

    static JsonObject configuration(Configuration configuration) {
        JsonObject json = new JsonObject();
        json.addProperty("id", configuration.id());
        json.add("variantBySlot", map(configuration.variantBySlot()));
        return json;
    }

    private static JsonObject slot(SlotState state) {
        JsonObject json = new JsonObject();
        json.addProperty("name", state.spec().name());
        json.addProperty("index", state.spec().index());
        json.addProperty("input", state.spec().input().toString());
        json.addProperty("output", state.spec().output().toString());
        json.addProperty("defaultParams", state.spec().defaultParams());
        json.addProperty("defaultMacs", state.spec().defaultMacs());
        json.add("activeVariant", string(state.activeVariant()));
        json.add("pinnedVariant", string(state.pinnedVariant()));
        return json;
    }

    private static JsonObject variant(VariantState state) {
        JsonObject json = new JsonObject();
        json.addProperty("slot", state.descriptor().slot());
        json.addProperty("id", state.descriptor().id());
        json.addProperty("kind", state.descriptor().kind().name());
        json.addProperty("params", state.descriptor().params());
        json.addProperty("macs", state.descriptor().macs());
        json.addProperty("bundleId", state.bundleId());
        json.addProperty("accepted", state.accepted());
        json.add("refusalReason", string(state.refusalReason()));
        json.addProperty("active", state.active());
        json.add("agreement", state.agreement().isPresent() ? new JsonPrimitive(state.agreement().getAsDouble()) : JsonNull.INSTANCE);
        return json;
    }

    private static JsonObject swap(SwapRecord swap) {
        JsonObject json = new JsonObject();
        json.addProperty("generation", swap.generation());
        json.add("configuration", configuration(swap.configuration()));
        json.addProperty("trigger", swap.trigger());
        json.addProperty("triggeredAt", swap.triggeredAt().toString());
        json.addProperty("servingAt", swap.servingAt().toString());
        json.addProperty("composeMillis", swap.composeMillis());
        json.addProperty("sessionMillis", swap.sessionMillis());
        json.addProperty("warmupMillis", swap.warmupMillis());
        return json;
    }

    private static JsonObject map(Map<String, String> map) {
        JsonObject json = new JsonObject();
        new TreeMap<>(map).forEach(json::addProperty);
        return json;
    }

    private static JsonElement string(Optional<String> value) {
        return value.<JsonElement>map(JsonPrimitive::new).orElse(JsonNull.INSTANCE);
    }

    /** NaN (no requests in the window) as null: JSON has no NaN. */
    static JsonElement number(double value) {
        return Double.isFinite(value) ? new JsonPrimitive(value) : JsonNull.INSTANCE;
    }
}
