package io.morphgate.control.mqtt.internal.handler;

import static io.morphgate.control.mqtt.internal.handler.Fakes.command;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Collection;
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
import io.morphgate.control.mqtt.internal.command.Json;

/**
 * The operators' reports reach the cloud: {@code variants} lists the slots they skip with the reason, {@code status}
 * their derivations' progress; reports made for another model than the one serving ("backbone-test") are left out.
 */
class OfferReportsTest {

    private static final DerivationProgress RUNNING = new DerivationProgress(OperatorKind.LOW_RANK, "backbone-test",
            Phase.RUNNING, 2, 4, 3, 1, Duration.ofSeconds(6), Optional.of(Duration.ofSeconds(6)), Optional.empty());

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

    private static final Collection<OfferReport> REPORTS = List.of(
            report(OperatorKind.FIRE, "backbone-test", List.of(new SlotSkip(OperatorKind.FIRE, "conv2",
                    "fire ends with a stride-2 max-pool, but the slot's default layer (Conv) maps 8x8x8 to 8x8x8 "
                            + "without halving H and W")), Optional.empty()),
            report(OperatorKind.LOW_RANK, "backbone-test", List.of(), Optional.of(RUNNING)),
            report(OperatorKind.FIRE, "previous-model", List.of(new SlotSkip(OperatorKind.FIRE, "conv9", "old")),
                    Optional.of(RUNNING)));

    private static JsonObject result(JsonObject reply) throws Exception {
        return Json.parse(Json.text(reply)).getAsJsonObject().getAsJsonObject("result");
    }

    @Test
    void variantsListsTheSlotsOperatorsSkipWithTheirReason() throws Exception {
        var reply = new VariantsHandler(new Fakes.Model(), () -> REPORTS)
                .handle(command("variants", "{\"requestId\":\"v-1\"}")).toCompletableFuture().get();
        JsonArray skipped = result(reply.toJson()).getAsJsonArray("skipped");
        assertEquals(1, skipped.size(), skipped.toString());
        JsonObject skip = skipped.get(0).getAsJsonObject();
        assertEquals("FIRE", skip.get("operator").getAsString());
        assertEquals("conv2", skip.get("slot").getAsString());
        assertEquals(REPORTS.iterator().next().skipped().get(0).reason(), skip.get("reason").getAsString());
    }

    @Test
    void statusSaysHowTheDerivationsForTheModelServingGo() throws Exception {
        var reply = new StatusHandler(new Fakes.Model(), StatusWithoutRequestsTest.idle(), () -> REPORTS)
                .handle(command("status", "{\"requestId\":\"s-1\"}")).toCompletableFuture().get();
        JsonArray derivations = result(reply.toJson()).getAsJsonArray("derivations");
        assertEquals(1, derivations.size(), derivations.toString());
        JsonObject d = derivations.get(0).getAsJsonObject();
        assertEquals("LOW_RANK", d.get("operator").getAsString());
        assertEquals("RUNNING", d.get("phase").getAsString());
        assertEquals(2, d.get("slotsDone").getAsInt());
        assertEquals(4, d.get("slotsTotal").getAsInt());
        assertEquals(6.0, d.get("remainingSeconds").getAsDouble());
    }
}
