package io.morphgate.fleet.http;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.morphgate.fleet.desired.DesiredStates;
import io.morphgate.fleet.inventory.Database;
import io.morphgate.fleet.inventory.Inventory;
import io.morphgate.fleet.rollout.RolloutPlan;
import io.morphgate.fleet.rollout.RolloutStore;

/**
 * A fleet database written through the stores the controller uses, without a broker: gw-1..gw-3 online in group
 * edge, gw-4 offline; gw-1 in sync with its desired state, gw-3 drifted, gw-4 pending; rollout r-live RUNNING (wave
 * 0 passed, wave 1 applying), rollout r-done SUCCEEDED.
 */
final class FleetFixture {

    static final Instant T = Instant.now().minusSeconds(60);

    private FleetFixture() {
    }

    static Database create(Path dir) throws Exception {
        Database db = Database.open(Database.h2Url(dir), "fleet", "");
        try (Inventory inventory = new Inventory(db); DesiredStates desired = new DesiredStates(db)) {
            for (int i = 1; i <= 4; i++) {
                String id = "gw-" + i;
                inventory.recordState(id, json("{\"status\":\"online\",\"versions\":{\"api\":\"1.2.0\"},"
                        + "\"model\":{\"id\":\"fashion-mnist\",\"version\":\"1.0.0\"},\"backboneId\":\"bb\"}"), T);
                inventory.recordTelemetry(id, json("{\"state\":\"SERVING\",\"model\":{\"id\":\"fashion-mnist\","
                        + "\"version\":\"1.0.0\"},\"configuration\":{\"id\":\"c-" + i + "\"},\"p50LatencyMillis\":2.0,"
                        + "\"p99LatencyMillis\":4.5,\"requests\":200,\"failures\":" + i + "}"), T);
                inventory.recordBudget(id, json(budget(null)), T);
            }
            inventory.addToGroup("edge", List.of("gw-1", "gw-2", "gw-3"));
            JsonObject five = json("{\"maxLatencyMillis\":5}");
            desired.deployed("gw-1", five, "r-done", json(budget(5)), T);
            desired.deployed("gw-3", five, "r-done", json(budget(5)), T);
            desired.reported("gw-3", json(budget(9)), T.plusSeconds(10));
            desired.deployed("gw-4", five, "r-done", null, T);
            inventory.recordState("gw-4", json("{\"status\":\"offline\"}"), T.plusSeconds(20));
        }
        new RolloutPlan("r-done", null, List.of("gw-1", "gw-3", "gw-4"), 5L, null, null, null, 1, 2, 0, 1, 0.2, 5)
                .submit(db);
        new RolloutPlan("r-live", "edge", List.of(), 7L, null, null, null, 1, 10, 30, 30, 0.2, 30).submit(db);
        try (RolloutStore store = new RolloutStore(db)) {
            for (String g : List.of("gw-1", "gw-3")) {
                store.sending("r-done", g, budget(null), null, 4.5, 0.01);
                store.applied("r-done", g, "OK", null);
                store.health("r-done", g, "HEALTHY", null);
            }
            store.skipped("r-done", "gw-4", budget(null), null);
            store.state("r-done", "SUCCEEDED", "every wave changed and healthy");

            store.state("r-live", "RUNNING", null);
            store.sending("r-live", "gw-1", budget(5), "{\"maxLatencyMillis\":5}", 4.5, 0.005);
            store.applied("r-live", "gw-1", "OK", null);
            store.health("r-live", "gw-1", "HEALTHY", null);
            store.sending("r-live", "gw-2", budget(null), null, 4.5, 0.01);
            store.applied("r-live", "gw-2", "OK", null);
            store.sending("r-live", "gw-3", budget(9), "{\"maxLatencyMillis\":5}", 4.5, 0.015);
        }
        return db;
    }

    static String budget(Integer maxLatencyMillis) {
        return "{\"maxLatencyMillis\":" + maxLatencyMillis + ",\"maxMacs\":null,\"maxParams\":null,\"maxMemoryBytes\":null}";
    }

    static JsonObject json(String text) {
        return JsonParser.parseString(text).getAsJsonObject();
    }
}
