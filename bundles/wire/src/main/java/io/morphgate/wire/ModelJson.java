package io.morphgate.wire;

import static io.morphgate.wire.JsonValues.number;
import static io.morphgate.wire.JsonValues.sorted;
import static io.morphgate.wire.JsonValues.string;

import java.util.List;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import io.morphgate.api.model.Configuration;
import io.morphgate.api.model.InstalledModel;
import io.morphgate.api.model.ModelDescriptor;
import io.morphgate.api.model.ModelStatus;
import io.morphgate.api.model.SlotState;
import io.morphgate.api.model.SwapRecord;
import io.morphgate.api.model.VariantState;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.variant.VariantDescriptor;

/** The model records on the wire: field names as in docs/protocol.md, unknown numbers and absent values as null. */
public final class ModelJson {

    private ModelJson() {
    }

    /** The {@code status} reply's {@code model}: what serves, its slots, counts of the variants, the last swap. */
    public static JsonObject summary(ModelStatus status) {
        JsonObject json = new JsonObject();
        json.addProperty("backboneId", status.backboneId());
        json.add("model", status.model().<JsonElement>map(ModelJson::modelIdentity).orElse(JsonNull.INSTANCE));
        json.addProperty("state", status.state().name());
        json.add("configuration", configuration(status.configuration()));
        json.addProperty("generation", status.generation());
        json.addProperty("params", status.params());
        json.addProperty("macs", status.macs());
        json.add("slots", array(status.slots().stream().map(ModelJson::slot).toList()));
        json.addProperty("variantsOffered", status.variants().size());
        json.addProperty("variantsRefused", status.variants().stream().filter(v -> !v.accepted()).count());
        List<SwapRecord> swaps = status.recentSwaps();
        json.add("lastSwap", swaps.isEmpty() ? JsonNull.INSTANCE : swap(swaps.get(swaps.size() - 1)));
        json.add("lastError", string(status.lastError()));
        // -1 when the backbone does not count them (API 1.0)
        json.addProperty("openSessions", status.openSessions());
        return json;
    }

    /** The {@link #summary} with every variant offered and the recent swaps (oldest first): status.json's model. */
    public static JsonObject detail(ModelStatus status) {
        JsonObject json = summary(status);
        json.add("variants", array(status.variants().stream().map(ModelJson::variant).toList()));
        json.add("recentSwaps", array(status.recentSwaps().stream().map(ModelJson::swap).toList()));
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
        json.add("input", model.descriptor().<JsonElement>map(d -> new JsonPrimitive(d.input().shape().toString()))
                .orElse(JsonNull.INSTANCE));
        json.add("labels", model.descriptor().<JsonElement>map(d -> new JsonPrimitive(d.labels().size()))
                .orElse(JsonNull.INSTANCE));
        json.addProperty("slots", model.slots());
        json.addProperty("params", model.params());
        json.addProperty("macs", model.macs());
        json.add("problem", string(model.problem()));
        return json;
    }

    /** Its id and which variant fills which slot (sorted by slot). */
    public static JsonObject configuration(Configuration configuration) {
        JsonObject json = new JsonObject();
        json.addProperty("id", configuration.id());
        json.add("variantBySlot", sorted(configuration.variantBySlot()));
        return json;
    }

    /** A slot's spec and what fills it. */
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
        json.addProperty("stride", spec.stride());
        json.addProperty("activation", spec.activation().name());
        json.addProperty("pooled", spec.pooled());
        return json;
    }

    /** A variant as offered, and what the backbone made of it. */
    public static JsonObject variant(VariantState state) {
        VariantDescriptor d = state.descriptor();
        JsonObject json = new JsonObject();
        json.addProperty("slot", d.slot());
        json.addProperty("id", d.id());
        json.addProperty("kind", d.kind().name());
        json.addProperty("provenance", d.provenance().name());
        json.addProperty("provenanceDetail", d.provenanceDetail());
        json.add("hyperParameters", sorted(d.hyperParameters()));
        json.addProperty("params", d.params());
        json.addProperty("macs", d.macs());
        json.addProperty("bundleId", state.bundleId());
        json.addProperty("accepted", state.accepted());
        json.add("refusalReason", string(state.refusalReason()));
        json.addProperty("active", state.active());
        json.add("agreement", number(state.agreement()));
        json.add("expectedAccuracy", number(d.expectedAccuracy()));
        return json;
    }

    public static JsonObject swap(SwapRecord swap) {
        JsonObject json = new JsonObject();
        json.addProperty("generation", swap.generation());
        json.add("configuration", configuration(swap.configuration()));
        json.addProperty("trigger", swap.trigger());
        json.addProperty("triggeredAt", swap.triggeredAt().toString());
        json.addProperty("servingAt", swap.servingAt().toString());
        json.add("composeMillis", number(swap.composeMillis()));
        json.add("sessionMillis", number(swap.sessionMillis()));
        json.add("warmupMillis", number(swap.warmupMillis()));
        return json;
    }

    private static JsonArray array(List<JsonObject> elements) {
        JsonArray array = new JsonArray(elements.size());
        elements.forEach(array::add);
        return array;
    }
}
