package io.morphgate.wire;

import static io.morphgate.wire.StrictJson.throughText;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import io.morphgate.api.variant.DerivationProgress;
import io.morphgate.api.variant.DerivationProgress.Phase;
import io.morphgate.api.variant.OfferReport;
import io.morphgate.api.variant.OperatorKind;
import io.morphgate.api.variant.SlotSkip;

/** A reader that knows only docs/protocol.md gets skips and progress back whole, for the model serving only. */
class OfferJsonTest {

    private static final DerivationProgress RUNNING = new DerivationProgress(OperatorKind.LOW_RANK, "b-1",
            Phase.RUNNING, 3, 17, 5, 1, Duration.ofMillis(12_345), Optional.of(Duration.ofMillis(57_610)),
            Optional.empty());
    private static final DerivationProgress STARTED = new DerivationProgress(OperatorKind.BOTTLENECK, "b-1",
            Phase.STARTED, 0, 17, 0, 0, Duration.ZERO, Optional.empty(), Optional.empty());

    private static OfferReport report(OperatorKind operator, String backboneId, List<SlotSkip> skipped,
            Optional<DerivationProgress> derivation) {
        return new OfferReport() {
            @Override
            public OperatorKind operator() {
                return operator;
            }

            @Override
            public String backboneId() {
                return backboneId;
            }

            @Override
            public List<SlotSkip> skipped() {
                return skipped;
            }

            @Override
            public Optional<DerivationProgress> derivation() {
                return derivation;
            }
        };
    }

    @Test
    void progressRoundTrips() {
        for (DerivationProgress p : List.of(RUNNING, STARTED, new DerivationProgress(OperatorKind.DEPTHWISE_SEPARABLE,
                "b-2", Phase.FAILED, 2, 4, 1, 0, Duration.ofSeconds(3), Optional.of(Duration.ZERO),
                Optional.of("out of memory")))) {
            assertEquals(p, read(throughText(OfferJson.derivation(p))));
        }
        assertTrue(OfferJson.derivation(STARTED).get("remainingSeconds").isJsonNull(), "no estimate yet: null");
    }

    @Test
    void onlyTheServingModelsReportsAreListedSkipsBySlotThenOperator() {
        SlotSkip fireStem = new SlotSkip(OperatorKind.FIRE, "stem", "fire reproduces a stride-1 conv");
        SlotSkip multiStem = new SlotSkip(OperatorKind.MULTI_BRANCH, "stem", "a stride-1 conv");
        SlotSkip fireLayer = new SlotSkip(OperatorKind.FIRE, "layer1.0.conv2", "not pooled");
        List<OfferReport> reports = List.of(
                report(OperatorKind.MULTI_BRANCH, "b-1", List.of(multiStem), Optional.empty()),
                report(OperatorKind.FIRE, "b-1", List.of(fireStem, fireLayer), Optional.empty()),
                report(OperatorKind.LOW_RANK, "b-1", List.of(), Optional.of(RUNNING)),
                report(OperatorKind.BOTTLENECK, "b-1", List.of(), Optional.of(STARTED)),
                report(OperatorKind.FIRE, "old-model", List.of(new SlotSkip(OperatorKind.FIRE, "conv2", "old")),
                        Optional.of(STARTED)));
        JsonArray skipped = OfferJson.skipped(reports, "b-1");
        assertEquals(List.of(fireLayer, fireStem, multiStem), skipped.asList().stream()
                .map(e -> readSkip(e.getAsJsonObject())).toList());
        JsonArray derivations = OfferJson.derivations(reports, "b-1");
        assertEquals(List.of(STARTED, RUNNING), derivations.asList().stream()
                .map(e -> read(e.getAsJsonObject())).toList());
    }

    private static SlotSkip readSkip(JsonObject json) {
        assertEquals(3, json.size(), json.toString());
        return new SlotSkip(OperatorKind.valueOf(json.get("operator").getAsString()), json.get("slot").getAsString(),
                json.get("reason").getAsString());
    }

    private static DerivationProgress read(JsonObject json) {
        assertEquals(10, json.size(), json.toString());
        return new DerivationProgress(OperatorKind.valueOf(json.get("operator").getAsString()),
                json.get("backboneId").getAsString(), Phase.valueOf(json.get("phase").getAsString()),
                json.get("slotsDone").getAsInt(), json.get("slotsTotal").getAsInt(),
                json.get("variantsDerived").getAsInt(), json.get("variantsKept").getAsInt(),
                duration(json.get("elapsedSeconds").getAsDouble()),
                json.get("remainingSeconds").isJsonNull() ? Optional.empty()
                        : Optional.of(duration(json.get("remainingSeconds").getAsDouble())),
                json.get("failure").isJsonNull() ? Optional.empty()
                        : Optional.of(json.get("failure").getAsString()));
    }

    private static Duration duration(double seconds) {
        return Duration.ofMillis(Math.round(seconds * 1000));
    }
}
