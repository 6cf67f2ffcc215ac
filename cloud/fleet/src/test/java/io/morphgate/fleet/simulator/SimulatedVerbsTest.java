package io.morphgate.fleet.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonObject;

/** The simulated verbs answer in the shapes of docs/protocol.md, with the budget's rules. */
class SimulatedVerbsTest {

    private final SimulatedBackbone backbone = new SimulatedBackbone("bb-1");
    private Behaviour behaviour = Behaviour.HEALTHY;
    private final SimulatedVerbs verbs = new SimulatedVerbs("gw-1", Instant.now(), backbone, () -> behaviour);

    @Test
    void budgetKeepsAbsentLimitsRemovesNullOnesAndOnlyReadsWithoutFields() {
        JsonObject set = verbs.handle("budget", "b-1", "{\"requestId\":\"b-1\",\"maxLatencyMillis\":4.0,\"maxMacs\":2000000}");
        assertEquals("ok", set.get("status").getAsString());
        assertEquals("b-1", set.get("requestId").getAsString());
        assertEquals("budget", set.get("verb").getAsString());
        JsonObject result = set.getAsJsonObject("result");
        assertEquals(4.0, result.get("maxLatencyMillis").getAsDouble());
        assertTrue(result.get("maxParams").isJsonNull());
        assertTrue(result.get("policyActive").getAsBoolean());

        JsonObject removed = verbs.handle("budget", "b-2", "{\"requestId\":\"b-2\",\"maxMacs\":null}").getAsJsonObject("result");
        assertTrue(removed.get("maxMacs").isJsonNull());
        assertEquals(4.0, removed.get("maxLatencyMillis").getAsDouble(), "an absent limit keeps its value");

        JsonObject read = verbs.handle("budget", "b-3", "{\"requestId\":\"b-3\"}").getAsJsonObject("result");
        assertEquals(removed.toString(), read.toString());
    }

    @Test
    void aMisspeltFieldIsRefusedNamingIt() {
        JsonObject reply = verbs.handle("budget", "b-1", "{\"requestId\":\"b-1\",\"maxMac\":5}");
        assertEquals("error", reply.get("status").getAsString());
        assertEquals("INVALID_ARGUMENT", reply.getAsJsonObject("error").get("code").getAsString());
        assertEquals("maxMac", reply.getAsJsonObject("error").get("field").getAsString());
        assertTrue(backbone.budget().get("maxMacs").isJsonNull(), "nothing stored");
    }

    @Test
    void unknownVerbsAndVariantsAreRefused() {
        assertEquals("UNKNOWN_VERB", verbs.handle("reboot", "x-1", "{\"requestId\":\"x-1\"}").getAsJsonObject("error")
                .get("code").getAsString());
        JsonObject pin = verbs.handle("pin", "p-1", "{\"requestId\":\"p-1\",\"slot\":\"conv2\",\"variantId\":\"nope\"}");
        assertEquals("variantId", pin.getAsJsonObject("error").get("field").getAsString());
    }

    @Test
    void pinChangesTheConfigurationAndUnpinRestoresIt() {
        JsonObject pinned = verbs.handle("pin", "p-1",
                "{\"requestId\":\"p-1\",\"slot\":\"conv2\",\"variantId\":\"lowrank-conv2-b0.5\"}").getAsJsonObject("result");
        assertEquals("lowrank-conv2-b0.5",
                pinned.getAsJsonObject("configuration").getAsJsonObject("variantBySlot").get("conv2").getAsString());
        assertEquals(2, pinned.get("generation").getAsLong());
        JsonObject unpinned = verbs.handle("unpin", "u-1", "{\"requestId\":\"u-1\",\"slot\":\"conv2\"}")
                .getAsJsonObject("result");
        assertEquals("default", unpinned.getAsJsonObject("configuration").get("id").getAsString());
    }

    @Test
    void unhealthyAfterABudgetChangeAndHealthyAfterTheNext() {
        behaviour = new Behaviour(0, null, 0, true);
        verbs.handle("budget", "b-1", "{\"requestId\":\"b-1\",\"maxMacs\":1000}");
        assertTrue(backbone.unhealthy());
        assertTrue(backbone.serving(0).failures() > 0);
        verbs.handle("budget", "b-2", "{\"requestId\":\"b-2\",\"maxMacs\":1000}");
        assertTrue(backbone.unhealthy(), "the same budget again changes nothing");
        verbs.handle("budget", "b-3", "{\"requestId\":\"b-3\",\"maxMacs\":null}");
        assertFalse(backbone.unhealthy());
    }

    @Test
    void infoNamesTheModelAndItsSlots() {
        JsonObject info = verbs.handle("info", "i-1", "{\"requestId\":\"i-1\"}").getAsJsonObject("result");
        assertEquals("gw-1", info.get("gatewayId").getAsString());
        assertEquals("fashion-mnist", info.getAsJsonObject("model").get("id").getAsString());
        assertEquals("1x28x28", info.getAsJsonObject("model").get("input").getAsString());
        assertEquals(3, info.getAsJsonArray("slots").size());
    }
}
