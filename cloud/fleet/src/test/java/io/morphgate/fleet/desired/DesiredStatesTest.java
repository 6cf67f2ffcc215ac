package io.morphgate.fleet.desired;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.morphgate.fleet.inventory.Database;
import io.morphgate.fleet.inventory.GatewayRecord;
import io.morphgate.fleet.inventory.Inventory;
import io.morphgate.fleet.reconcile.ReconcileSteps;

/** Desired states and reconcile steps in a real H2 file database, its schema made by the Flyway migrations. */
class DesiredStatesTest {

    private static final Instant T = Instant.parse("2026-01-01T12:00:00Z");
    private static final JsonObject UNLIMITED = json(
            "{\"maxLatencyMillis\":null,\"maxMacs\":null,\"maxParams\":null,\"maxMemoryBytes\":null}");

    @TempDir
    Path dir;

    @Test
    void aConfirmedChangeThenALocalChangeIsDriftedSinceThatReport() throws Exception {
        Database db = Database.open(Database.h2Url(dir), "fleet", "");
        try (DesiredStates desired = new DesiredStates(db); Inventory inventory = new Inventory(db)) {
            DesiredState d = desired.deployed("gw-1", json("{\"maxMacs\":2000000}"), "r-1",
                    with(UNLIMITED, "maxMacs", 2000000), T);
            assertEquals(Drift.IN_SYNC, d.status());
            assertEquals(1, d.revision());
            assertEquals(1, d.appliedRevision());
            assertEquals("{\"maxMacs\":2000000}", d.budget());
            GatewayRecord g = inventory.list(null).get(0);
            assertEquals(with(UNLIMITED, "maxMacs", 2000000), json(g.budget()), "the reply's budget is the reported one");

            desired.reported("gw-1", with(UNLIMITED, "maxMacs", 1000000), T.plusSeconds(10));
            desired.reported("gw-1", with(UNLIMITED, "maxMacs", 1000000), T.plusSeconds(20));
            DesiredState drifted = desired.find("gw-1").orElseThrow();
            assertEquals(Drift.DRIFTED, drifted.status());
            assertEquals("maxMacs: desired 2000000, reported 1000000", drifted.difference());
            assertEquals(T.plusSeconds(10), drifted.statusSince(), "drifted since the first report that differed");
            assertEquals(T.plusSeconds(20), drifted.reportedAt());
            assertEquals(List.of("gw-1"), desired.list(Drift.DRIFTED).stream().map(DesiredState::gatewayId).toList());

            DesiredState back = desired.confirmed("gw-1", 1, with(UNLIMITED, "maxMacs", 2000000), T.plusSeconds(30))
                    .orElseThrow();
            assertEquals(Drift.IN_SYNC, back.status());
            assertNull(back.difference());
        }
    }

    @Test
    void anUnconfirmedChangeIsPendingUntilTheGatewayReportsIt() throws Exception {
        Database db = Database.open(Database.h2Url(dir), "fleet", "");
        try (DesiredStates desired = new DesiredStates(db)) {
            desired.reported("gw-2", UNLIMITED, T); // known, nothing desired: no row
            assertFalse(desired.find("gw-2").isPresent());
            DesiredState pending = desired.deployed("gw-2", json("{\"maxLatencyMillis\":5}"), "r-2", null, T);
            assertEquals(Drift.PENDING, pending.status());
            assertEquals(0, pending.appliedRevision());
            assertEquals("maxLatencyMillis: desired 5, reported none", pending.difference());

            // it got there another way (a command the broker kept for it): confirmed by what it reports
            DesiredState reached = desired.reported("gw-2", with(UNLIMITED, "maxLatencyMillis", 5.0), T.plusSeconds(5))
                    .orElseThrow();
            assertEquals(Drift.IN_SYNC, reached.status());
            assertEquals(1, reached.appliedRevision());
        }
    }

    @Test
    void aRollbackRestoresThePreviousDesiredStateAndRevisionsNeverRepeat() throws Exception {
        Database db = Database.open(Database.h2Url(dir), "fleet", "");
        try (DesiredStates desired = new DesiredStates(db); ReconcileSteps steps = new ReconcileSteps(db)) {
            desired.deployed("gw-3", json("{\"maxMacs\":5}"), "r-a", with(UNLIMITED, "maxMacs", 5), T);
            desired.deployed("gw-3", json("{\"maxParams\":7}"), "r-b", null, T);
            DesiredState restored = desired.restored("gw-3", json("{\"maxMacs\":5}"), "r-b rolled back", null, T);
            assertEquals("{\"maxMacs\":5}", restored.budget());
            assertEquals(3, restored.revision());
            assertEquals(Drift.IN_SYNC, restored.status(), "what it reports is the restored desired state");
            DesiredState none = desired.restored("gw-3", null, "r-a rolled back", null, T);
            assertFalse(none.hasBudget());
            assertEquals(4, none.revision());

            // request ids: gateway, revision, count; one open step per gateway
            desired.deployed("gw-3", json("{\"maxMacs\":9}"), "r-c", null, T);
            DesiredState five = desired.find("gw-3").orElseThrow();
            ReconcileSteps.Step first = steps.request(five, ReconcileSteps.OPERATOR, T);
            assertEquals("gw-3-reconcile-5-1", first.requestId());
            assertEquals("PENDING", first.state());
            assertEquals(first, steps.request(five, ReconcileSteps.CATCH_UP, T), "the open step, not a second one");
            steps.sent(first.requestId());
            steps.answered(first.requestId(), "TIMEOUT", "no reply", T);
            assertEquals("gw-3-reconcile-5-2", steps.request(five, ReconcileSteps.CATCH_UP, T).requestId());
        }
    }

    private static JsonObject with(JsonObject budget, String limit, Number value) {
        JsonObject copy = budget.deepCopy();
        copy.addProperty(limit, value);
        return copy;
    }

    private static JsonObject json(String text) {
        return JsonParser.parseString(text).getAsJsonObject();
    }
}
