package io.morphgate.wire;

import static io.morphgate.wire.StrictJson.number;
import static io.morphgate.wire.StrictJson.throughText;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonObject;

import io.morphgate.api.inference.ServingStatistics;
import io.morphgate.api.serving.QueueStatistics;

class ServingJsonTest {

    /** The telemetry message's fields, as docs/protocol.md lists them. */
    private static final Set<String> TELEMETRY_FIELDS = Set.of("at", "state", "model", "configuration", "generation",
            "swaps", "p50LatencyMillis", "p99LatencyMillis", "requestsPerSecond", "requests", "failures",
            "windowSeconds", "heapUsedBytes", "heapMaxBytes", "uptimeSeconds");

    private static final ServingStatistics BUSY = new ServingStatistics(60, 1_200, 3, 20, 0.41, 1.9, 54_321);
    private static final ServingStatistics IDLE = new ServingStatistics(60, 0, 0, 0, Double.NaN, Double.NaN, 54_321);

    @Test
    void statisticsRoundTripAndAnIdleWindowHasNullLatencies() {
        assertEquals(BUSY, readStatistics(throughText(ServingJson.statistics(BUSY))));
        assertTrue(ServingJson.statistics(IDLE).get("p50LatencyMillis").isJsonNull(), "null in the tree, for any writer");
        JsonObject idle = throughText(ServingJson.statistics(IDLE));
        assertTrue(idle.get("p50LatencyMillis").isJsonNull());
        assertTrue(idle.get("p99LatencyMillis").isJsonNull());
        assertEquals(IDLE, readStatistics(idle));
    }

    @Test
    void telemetryHasTheDocumentedFieldsAndNullForAnIdleWindow() {
        Instant before = Instant.now();
        JsonObject json = throughText(ServingJson.telemetry(Samples.serving(), IDLE, 42));
        assertEquals(TELEMETRY_FIELDS, json.keySet());
        assertTrue(!Instant.parse(json.get("at").getAsString()).isBefore(before.minusMillis(1)));
        assertEquals("SERVING", json.get("state").getAsString());
        assertEquals("fashion-mnist", json.getAsJsonObject("model").get("id").getAsString());
        assertEquals(Samples.LOW_RANK.id(), json.getAsJsonObject("configuration").get("id").getAsString());
        assertEquals(3, json.get("swaps").getAsLong());
        assertTrue(json.get("p50LatencyMillis").isJsonNull());
        assertTrue(json.get("p99LatencyMillis").isJsonNull());
        assertEquals(42, json.get("uptimeSeconds").getAsLong());
        assertTrue(json.get("heapMaxBytes").getAsLong() != 0);
    }

    @Test
    void telemetryWithoutAModelHasANullModel() {
        JsonObject json = throughText(ServingJson.telemetry(Samples.noModel(), BUSY, 1));
        assertEquals(TELEMETRY_FIELDS, json.keySet());
        assertTrue(json.get("model").isJsonNull());
        assertEquals(0.41, json.get("p50LatencyMillis").getAsDouble());
    }

    @Test
    void theQueueHasItsMeanBatchSize() {
        JsonObject json = throughText(ServingJson.queue(new QueueStatistics(2, 256, 1_000, 4, 1, 250, 996, 16, 2_000)));
        assertEquals(3.984, json.get("meanBatchSize").getAsDouble(), 1e-12);
        assertEquals(2_000, json.get("maxBatchDelayMicros").getAsLong());
        assertEquals(0, throughText(ServingJson.queue(new QueueStatistics(0, 256, 0, 0, 0, 0, 0, 16, 2_000)))
                .get("meanBatchSize").getAsDouble(), "no batches yet: 0, not NaN");
    }

    private static ServingStatistics readStatistics(JsonObject json) {
        return new ServingStatistics(number(json, "windowSeconds"), json.get("requests").getAsLong(),
                json.get("failures").getAsLong(), number(json, "requestsPerSecond"), number(json, "p50LatencyMillis"),
                number(json, "p99LatencyMillis"), json.get("totalRequests").getAsLong());
    }
}
