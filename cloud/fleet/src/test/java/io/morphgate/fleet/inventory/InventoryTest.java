package io.morphgate.fleet.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** The inventory in a real H2 file database, its schema made by the Flyway migrations. */
class InventoryTest {

    @TempDir
    Path dir;

    @Test
    void stateTelemetryBudgetAndGroupsEndUpInTheRows() throws Exception {
        Database database = Database.open(Database.h2Url(dir), "fleet", "");
        try (Inventory inventory = new Inventory(database)) {
            Instant t = Instant.parse("2026-01-01T12:00:00Z");
            inventory.recordTelemetry("gw-2", json("{\"state\":\"SERVING\",\"model\":{\"id\":\"resnet18\",\"version\":\"2\"},"
                    + "\"configuration\":{\"id\":\"c-1\"},\"p50LatencyMillis\":null,\"p99LatencyMillis\":9.5,"
                    + "\"requests\":100,\"failures\":5}"), t);
            inventory.recordState("gw-1", json("{\"status\":\"online\",\"gatewayId\":\"gw-1\",\"versions\":{\"api\":\"1.2.0\"},"
                    + "\"model\":{\"id\":\"fashion-mnist\",\"version\":\"1.0.0\"},\"backboneId\":\"bb\",\"slots\":[]}"), t);
            inventory.recordBudget("gw-1", json("{\"maxMacs\":5}"), t);
            inventory.addToGroup("edge", List.of("gw-1"));
            inventory.addToGroup("edge", List.of("gw-1"));

            List<GatewayRecord> all = inventory.list(null);
            assertEquals(List.of("gw-1", "gw-2"), all.stream().map(GatewayRecord::id).toList());
            GatewayRecord one = all.get(0);
            assertTrue(one.online());
            assertEquals("fashion-mnist", one.modelId());
            assertEquals("{\"maxMacs\":5}", one.budget());
            assertEquals(List.of("edge"), one.groups());
            GatewayRecord two = all.get(1);
            assertEquals("resnet18", two.modelId());
            assertNull(two.p50Millis());
            assertEquals(0.05, two.failureRate());
            assertEquals(List.of("gw-1"), inventory.list("edge").stream().map(GatewayRecord::id).toList());

            inventory.recordState("gw-1", json("{\"status\":\"offline\"}"), t.plusSeconds(5));
            GatewayRecord offline = inventory.list("edge").get(0);
            assertFalse(offline.online());
            assertEquals("fashion-mnist", offline.modelId(), "what it served is kept while it is away");
            assertEquals(t.plusSeconds(5), offline.lastSeen());
        }
        // a second open finds the schema current (Flyway applies nothing twice)
        try (Inventory again = new Inventory(Database.open(Database.h2Url(dir), "fleet", ""))) {
            assertEquals(2, again.list(null).size());
        }
    }

    private static JsonObject json(String text) {
        return JsonParser.parseString(text).getAsJsonObject();
    }
}
