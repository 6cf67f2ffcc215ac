package io.morphgate.wire;

import static io.morphgate.wire.StrictJson.throughText;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import io.morphgate.api.model.Configuration;
import io.morphgate.api.model.ModelStatus;
import io.morphgate.api.model.SlotState;
import io.morphgate.api.model.SwapRecord;
import io.morphgate.api.model.VariantState;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.slot.TensorShape;
import io.morphgate.api.variant.OperatorKind;
import io.morphgate.api.variant.Provenance;
import io.morphgate.api.variant.VariantDescriptor;

/** A reader that knows only docs/protocol.md gets each record back whole from its JSON. */
class ModelJsonTest {

    @Test
    void variantsRoundTrip() {
        for (VariantState variant : List.of(Samples.activeVariant(), Samples.refusedVariant())) {
            assertEquals(variant, readVariant(throughText(ModelJson.variant(variant))));
        }
    }

    @Test
    void anAgreementThatIsNotANumberIsNull() {
        VariantState v = Samples.activeVariant();
        VariantState unmeasurable = new VariantState(v.descriptor(), v.bundleId(), true, Optional.empty(), false,
                OptionalDouble.of(Double.NaN));
        assertTrue(ModelJson.variant(unmeasurable).get("agreement").isJsonNull(), "null in the tree, for any writer");
    }

    @Test
    void slotsRoundTrip() {
        for (SlotState slot : Samples.serving().slots()) {
            assertEquals(slot, readSlot(throughText(ModelJson.slot(slot))));
        }
    }

    @Test
    void swapsRoundTrip() {
        SwapRecord swap = Samples.swap(3, Samples.LOW_RANK);
        assertEquals(swap, readSwap(throughText(ModelJson.swap(swap))));
    }

    @Test
    void swapTimesThatAreNotKnownAreNull() {
        SwapRecord swap = new SwapRecord(1, Configuration.DEFAULT, "start", Instant.EPOCH, Instant.EPOCH, Double.NaN,
                Double.POSITIVE_INFINITY, 2.0);
        JsonObject json = throughText(ModelJson.swap(swap));
        assertTrue(json.get("composeMillis").isJsonNull());
        assertTrue(json.get("sessionMillis").isJsonNull());
        assertEquals(2.0, json.get("warmupMillis").getAsDouble());
    }

    @Test
    void aConfigurationListsItsSlotsSortedWithItsId() {
        JsonObject json = throughText(ModelJson.configuration(Samples.LOW_RANK));
        assertEquals(Samples.LOW_RANK.id(), json.get("id").getAsString());
        assertEquals(List.of("conv1", "conv2"), List.copyOf(json.getAsJsonObject("variantBySlot").keySet()));
        assertEquals(Samples.LOW_RANK, readConfiguration(json));
    }

    @Test
    void theSummaryNamesTheServingModelAndCountsTheVariants() {
        ModelStatus status = Samples.serving();
        JsonObject json = throughText(ModelJson.summary(status));
        assertEquals(Set.of("backboneId", "model", "state", "configuration", "generation", "params", "macs", "slots",
                "variantsOffered", "variantsRefused", "lastSwap", "lastError", "openSessions"), json.keySet());
        JsonObject model = json.getAsJsonObject("model");
        assertEquals("fashion-mnist", model.get("id").getAsString());
        assertEquals("1.0.0", model.get("version").getAsString());
        assertEquals("1x28x28", model.get("input").getAsString());
        assertEquals("SERVING", json.get("state").getAsString());
        assertEquals(status.configuration(), readConfiguration(json.getAsJsonObject("configuration")));
        assertEquals(2, json.get("variantsOffered").getAsInt());
        assertEquals(1, json.get("variantsRefused").getAsInt());
        assertEquals(status.recentSwaps().get(1), readSwap(json.getAsJsonObject("lastSwap")));
        assertTrue(json.get("lastError").isJsonNull());
        assertEquals(status.slots(), readSlots(json.getAsJsonArray("slots")));
    }

    @Test
    void withoutAModelTheSummarySaysSoWithNulls() {
        JsonObject json = throughText(ModelJson.summary(Samples.noModel()));
        assertTrue(json.get("model").isJsonNull());
        assertTrue(json.get("lastSwap").isJsonNull());
        assertEquals("NO_MODEL", json.get("state").getAsString());
        assertEquals("no model bundle installed", json.get("lastError").getAsString());
        assertEquals(0, json.getAsJsonArray("slots").size());
    }

    @Test
    void theDetailIsTheSummaryWithEveryVariantAndTheRecentSwaps() {
        ModelStatus status = Samples.serving();
        JsonObject summary = throughText(ModelJson.summary(status));
        JsonObject detail = throughText(ModelJson.detail(status));
        Set<String> expected = new HashSet<>(summary.keySet());
        expected.addAll(Set.of("variants", "recentSwaps"));
        assertEquals(expected, detail.keySet());
        summary.keySet().forEach(name -> assertEquals(summary.get(name), detail.get(name), name));
        assertEquals(status.variants(), detail.getAsJsonArray("variants").asList().stream()
                .map(v -> readVariant(v.getAsJsonObject())).toList());
        assertEquals(status.recentSwaps(), detail.getAsJsonArray("recentSwaps").asList().stream()
                .map(s -> readSwap(s.getAsJsonObject())).toList());
    }

    private static VariantState readVariant(JsonObject json) {
        VariantDescriptor descriptor = new VariantDescriptor(json.get("id").getAsString(),
                OperatorKind.valueOf(json.get("kind").getAsString()), json.get("slot").getAsString(),
                strings(json.getAsJsonObject("hyperParameters")), json.get("params").getAsLong(),
                json.get("macs").getAsLong(), Provenance.valueOf(json.get("provenance").getAsString()),
                json.get("provenanceDetail").getAsString(), optionalNumber(json.get("expectedAccuracy")));
        return new VariantState(descriptor, json.get("bundleId").getAsLong(), json.get("accepted").getAsBoolean(),
                optionalString(json.get("refusalReason")), json.get("active").getAsBoolean(),
                optionalNumber(json.get("agreement")));
    }

    private static List<SlotState> readSlots(JsonArray slots) {
        return slots.asList().stream().map(s -> readSlot(s.getAsJsonObject())).toList();
    }

    private static SlotState readSlot(JsonObject json) {
        SlotSpec spec = new SlotSpec(json.get("name").getAsString(), json.get("index").getAsInt(),
                shape(json.get("input").getAsString()), shape(json.get("output").getAsString()),
                json.get("kernelSize").getAsInt(), json.get("defaultLayer").getAsString(),
                json.get("defaultParams").getAsLong(), json.get("defaultMacs").getAsLong(),
                json.get("stride").getAsInt(), SlotSpec.Activation.valueOf(json.get("activation").getAsString()),
                json.get("pooled").getAsBoolean());
        return new SlotState(spec, optionalString(json.get("activeVariant")), optionalString(json.get("pinnedVariant")));
    }

    private static SwapRecord readSwap(JsonObject json) {
        return new SwapRecord(json.get("generation").getAsLong(), readConfiguration(json.getAsJsonObject("configuration")),
                json.get("trigger").getAsString(), Instant.parse(json.get("triggeredAt").getAsString()),
                Instant.parse(json.get("servingAt").getAsString()), json.get("composeMillis").getAsDouble(),
                json.get("sessionMillis").getAsDouble(), json.get("warmupMillis").getAsDouble());
    }

    static Configuration readConfiguration(JsonObject json) {
        Configuration configuration = new Configuration(strings(json.getAsJsonObject("variantBySlot")));
        assertEquals(configuration.id(), json.get("id").getAsString(), "the id is the content's");
        return configuration;
    }

    private static Map<String, String> strings(JsonObject json) {
        Map<String, String> map = new TreeMap<>();
        json.entrySet().forEach(e -> map.put(e.getKey(), e.getValue().getAsString()));
        return map;
    }

    private static TensorShape shape(String text) {
        String[] dims = text.split("x");
        return new TensorShape(Integer.parseInt(dims[0]), Integer.parseInt(dims[1]), Integer.parseInt(dims[2]));
    }

    private static Optional<String> optionalString(JsonElement element) {
        return element.isJsonNull() ? Optional.empty() : Optional.of(element.getAsString());
    }

    private static OptionalDouble optionalNumber(JsonElement element) {
        return element.isJsonNull() ? OptionalDouble.empty() : OptionalDouble.of(element.getAsDouble());
    }
}
