package io.morphgate.control.mqtt.internal.command;

import java.util.Map;
import java.util.Optional;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import io.morphgate.api.deployment.JobOutcome;
import io.morphgate.api.deployment.JobProgress;
import io.morphgate.api.inference.ServingStatistics;
import io.morphgate.api.model.Configuration;
import io.morphgate.api.model.InstalledModel;
import io.morphgate.api.model.ModelDescriptor;
import io.morphgate.api.model.ModelStatus;
import io.morphgate.api.model.SlotState;
import io.morphgate.api.model.SwapRecord;
import io.morphgate.api.model.VariantState;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.variant.VariantDescriptor;

/** How the model, serving and job DTOs look on the wire (field names as in docs/protocol.md). */
public final class ModelJson {

    private ModelJson() {
    }

    public static JsonObject summary(ModelStatus status) {
        JsonObject json = new JsonObject();
        json.addProperty("backboneId", status.backboneId());
        json.add("model", status.model().map(ModelJson::modelIdentity).orElse(null));
        json.addProperty("state", status.state().name());
        json.add("configuration", configuration(status.configuration()));
        json.addProperty("generation", status.generation());
        json.addProperty("params", status.params());
        json.addProperty("macs", status.macs());
        JsonArray slots = new JsonArray();
        status.slots().forEach(s -> slots.add(slot(s)));
        json.add("slots", slots);
        json.addProperty("variantsOffered", status.variants().size());
        json.addProperty("variantsRefused", status.variants().stream().filter(v -> !v.accepted()).count());
        json.add("lastSwap", status.recentSwaps().isEmpty() ? JsonNull.INSTANCE
                : swap(status.recentSwaps().get(status.recentSwaps().size() - 1)));
        json.add("lastError", string(status.lastError()));
        // -1 when the backbone does not count them (API 1.0)
        json.addProperty("openSessions", status.openSessions());
        return json;
    }

    /** Which model: id, version and input shape (the full descriptor is in the {@code model} verb's list). */
    public static JsonObject modelIdentity(ModelDescriptor descriptor) {
        JsonObject json = new JsonObject();
        json.addProperty("id", descriptor.id());
        json.addProperty("version", descriptor.version());
        json.addProperty("input", descriptor.input().shape().toString());
        return json;
    }

    /** An installed model as the {@code model} verb lists it. */
    public static JsonObject installedModel(InstalledModel model) {
        JsonObject json = new JsonObject();
        json.addProperty("id", model.id());
        json.addProperty("version", model.version());
        json.addProperty("bundleId", model.bundleId());
        json.addProperty("state", model.state().name());
        json.addProperty("sha256", model.sha256());
        json.add("input", model.descriptor().map(d -> (JsonElement) new JsonPrimitive(d.input().shape().toString()))
                .orElse(JsonNull.INSTANCE));
        json.add("labels", model.descriptor().map(d -> (JsonElement) new JsonPrimitive(d.labels().size()))
                .orElse(JsonNull.INSTANCE));
        json.addProperty("slots", model.slots());
        json.addProperty("params", model.params());
        json.addProperty("macs", model.macs());
        json.add("problem", string(model.problem()));
        return json;
    }

    public static JsonObject configuration(Configuration configuration) {
        JsonObject json = new JsonObject();
        json.addProperty("id", configuration.id());
        json.add("variantBySlot", map(configuration.variantBySlot()));
        return json;
    }

    public static JsonObject slot(SlotState state) {
        JsonObject json = slotSpec(state.spec());
        json.add("activeVariant", string(state.activeVariant()));
        json.add("pinnedVariant", string(state.pinnedVariant()));
        return json;
    }

    public static JsonObject slotSpec(SlotSpec spec) {
        JsonObject json = new JsonObject();
        json.addProperty("name", spec.name());
        json.addProperty("index", spec.index());
        json.addProperty("input", spec.input().toString());
        json.addProperty("output", spec.output().toString());
        json.addProperty("kernelSize", spec.kernelSize());
        json.addProperty("defaultLayer", spec.defaultLayer());
        json.addProperty("defaultParams", spec.defaultParams());
        json.addProperty("defaultMacs", spec.defaultMacs());
        return json;
    }

    public static JsonObject variant(VariantState state) {
        VariantDescriptor d = state.descriptor();
        JsonObject json = new JsonObject();
        json.addProperty("slot", d.slot());
        json.addProperty("id", d.id());
        json.addProperty("kind", d.kind().name());
        json.addProperty("provenance", d.provenance().name());
        json.addProperty("provenanceDetail", d.provenanceDetail());
        json.add("hyperParameters", map(d.hyperParameters()));
        json.addProperty("params", d.params());
        json.addProperty("macs", d.macs());
        json.addProperty("bundleId", state.bundleId());
        json.addProperty("accepted", state.accepted());
        json.add("refusalReason", string(state.refusalReason()));
        json.addProperty("active", state.active());
        json.add("agreement", state.agreement().isPresent() ? new JsonPrimitive(state.agreement().getAsDouble())
                : JsonNull.INSTANCE);
        json.add("expectedAccuracy", d.expectedAccuracy().isPresent()
                ? new JsonPrimitive(d.expectedAccuracy().getAsDouble()) : JsonNull.INSTANCE);
        return json;
    }

    public static JsonObject swap(SwapRecord swap) {
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

    public static JsonObject statistics(ServingStatistics s) {
        JsonObject json = new JsonObject();
        json.addProperty("windowSeconds", s.windowSeconds());
        json.addProperty("requests", s.requests());
        json.addProperty("failures", s.failures());
        json.addProperty("requestsPerSecond", s.requestsPerSecond());
        json.addProperty("p50LatencyMillis", s.p50LatencyMillis());
        json.addProperty("p99LatencyMillis", s.p99LatencyMillis());
        json.addProperty("totalRequests", s.totalRequests());
        return json;
    }

    public static JsonObject progress(JobProgress p) {
        JsonObject json = new JsonObject();
        json.addProperty("jobId", p.requestId());
        json.addProperty("stage", p.stage().name());
        json.addProperty("percent", p.percent());
        json.addProperty("message", p.message());
        json.addProperty("final", false);
        return json;
    }

    public static JsonObject outcome(JobOutcome o) {
        JsonObject json = new JsonObject();
        json.addProperty("jobId", o.requestId());
        json.addProperty("stage", o.stage().name());
        json.addProperty("percent", 100);
        json.addProperty("message", o.message());
        json.addProperty("final", true);
        json.add("error", o.error().<JsonElement>map(c -> new JsonPrimitive(c.name())).orElse(JsonNull.INSTANCE));
        JsonArray bundles = new JsonArray();
        o.bundles().forEach(bundles::add);
        json.add("bundles", bundles);
        json.addProperty("recovered", o.recovered());
        return json;
    }

    private static JsonObject map(Map<String, String> map) {
        JsonObject json = new JsonObject();
        new java.util.TreeMap<>(map).forEach(json::addProperty);
        return json;
    }

    private static JsonElement string(Optional<String> value) {
        return value.<JsonElement>map(JsonPrimitive::new).orElse(JsonNull.INSTANCE);
    }
}
