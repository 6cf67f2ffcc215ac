package io.morphgate.wire;

import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import io.morphgate.api.variant.DerivationProgress;
import io.morphgate.api.variant.OfferReport;
import io.morphgate.api.variant.SlotSkip;

/**
 * What operators report beside their variants, on the wire: the slots they skip and why ({@code variants} reply,
 * status.json's {@code model.skipped}) and their derivations' progress ({@code status} reply, status.json,
 * {@code event/derivation}). Only the reports made for the model serving count: an operator reports on the slots it
 * was given and knows nothing of models, and for a moment after a switch the previous model's reports are still there.
 */
public final class OfferJson {

    private OfferJson() {
    }

    /** Every skip of the reports made for {@code backboneId}, by slot then operator. */
    public static JsonArray skipped(Collection<OfferReport> reports, String backboneId) {
        JsonArray array = new JsonArray();
        forModel(reports, backboneId).stream().flatMap(r -> r.skipped().stream())
                .sorted(Comparator.comparing(SlotSkip::slot).thenComparing(s -> s.operator().name()))
                .forEach(s -> array.add(skip(s)));
        return array;
    }

    /** The derivation of each report made for {@code backboneId} that derives, by operator. */
    public static JsonArray derivations(Collection<OfferReport> reports, String backboneId) {
        JsonArray array = new JsonArray();
        forModel(reports, backboneId).stream().map(OfferReport::derivation).flatMap(Optional::stream)
                .sorted(Comparator.comparing(d -> d.operator().name()))
                .forEach(d -> array.add(derivation(d)));
        return array;
    }

    public static JsonObject skip(SlotSkip skip) {
        JsonObject json = new JsonObject();
        json.addProperty("operator", skip.operator().name());
        json.addProperty("slot", skip.slot());
        json.addProperty("reason", skip.reason());
        return json;
    }

    /** A derivation's progress: also the payload of {@code event/derivation}. Times in seconds, to the millisecond. */
    public static JsonObject derivation(DerivationProgress p) {
        JsonObject json = new JsonObject();
        json.addProperty("operator", p.operator().name());
        json.addProperty("backboneId", p.backboneId());
        json.addProperty("phase", p.phase().name());
        json.addProperty("slotsDone", p.slotsDone());
        json.addProperty("slotsTotal", p.slotsTotal());
        json.addProperty("variantsDerived", p.variantsDerived());
        json.addProperty("variantsKept", p.variantsKept());
        json.addProperty("elapsedSeconds", seconds(p.elapsed()));
        json.add("remainingSeconds", p.remaining().<JsonElement>map(d -> new JsonPrimitive(seconds(d)))
                .orElse(JsonNull.INSTANCE));
        json.add("failure", JsonValues.string(p.failure()));
        return json;
    }

    private static List<OfferReport> forModel(Collection<OfferReport> reports, String backboneId) {
        return reports.stream().filter(r -> r.backboneId().equals(backboneId)).toList();
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }
}
