package io.morphgate.fleet.desired;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** The comparison of a desired budget with a reported one, and the status it gives a gateway. */
class DriftTest {

    private static final JsonObject REPORTED = json(
            "{\"maxLatencyMillis\":5.0,\"maxMacs\":2000000,\"maxParams\":null,\"maxMemoryBytes\":null}");

    @Test
    void numbersCompareByValue() {
        assertEquals(List.of(), Drift.compare(json("{\"maxLatencyMillis\":5,\"maxMacs\":2.0E6}"), REPORTED));
    }

    @Test
    void onlyTheLimitsADeploymentSetAreCompared() {
        // maxParams and maxMemoryBytes are not desired: whatever the gateway has there is its own business
        assertEquals(List.of(), Drift.compare(json("{\"maxMacs\":2000000}"), json("{\"maxMacs\":2000000,\"maxParams\":7}")));
    }

    @Test
    void aDesiredNullMeansNoLimitAndAnAbsentReportedLimitIsNull() {
        assertEquals(List.of(), Drift.compare(json("{\"maxParams\":null}"), REPORTED));
        assertEquals(List.of(), Drift.compare(json("{\"maxParams\":null}"), json("{}")));
        assertEquals("maxParams: desired none, reported 90",
                Drift.compare(json("{\"maxParams\":null}"), json("{\"maxParams\":90}")).get(0).toString());
        assertEquals("maxParams: desired 90, reported none",
                Drift.compare(json("{\"maxParams\":90}"), json("{}")).get(0).toString());
    }

    @Test
    void everyDifferenceIsNamedWithBothValues() {
        Drift.Verdict v = Drift.judge(json("{\"maxLatencyMillis\":4.5,\"maxMacs\":1000000,\"maxParams\":null}"), REPORTED,
                true);
        assertEquals(Drift.DRIFTED, v.status());
        assertEquals("maxLatencyMillis: desired 4.5, reported 5; maxMacs: desired 1000000, reported 2000000", v.describe());
    }

    @Test
    void confirmedThenDifferentIsDriftedNeverConfirmedIsPending() {
        JsonObject desired = json("{\"maxMacs\":1000000}");
        assertEquals(Drift.DRIFTED, Drift.judge(desired, REPORTED, true).status());
        assertEquals(Drift.PENDING, Drift.judge(desired, REPORTED, false).status());
        assertEquals(Drift.IN_SYNC, Drift.judge(json("{\"maxMacs\":2000000}"), REPORTED, false).status());
    }

    @Test
    void nothingDesiredIsInSyncAndNothingReportedIsUnknown() {
        assertEquals(Drift.IN_SYNC, Drift.judge(null, REPORTED, true).status());
        assertEquals(Drift.IN_SYNC, Drift.judge(new JsonObject(), REPORTED, true).status());
        Drift.Verdict unknown = Drift.judge(json("{\"maxMacs\":1}"), null, true);
        assertEquals(Drift.UNKNOWN, unknown.status());
        assertEquals(null, unknown.describe());
    }

    @Test
    void aDeploymentSetsOnlyTheLimitsItNames() {
        assertEquals(json("{\"maxLatencyMillis\":5,\"maxMacs\":3}"),
                Drift.merge(json("{\"maxLatencyMillis\":5,\"maxMacs\":2}"), json("{\"maxMacs\":3}")));
        assertEquals(json("{\"maxMacs\":3}"), Drift.merge(null, json("{\"maxMacs\":3}")));
    }

    private static JsonObject json(String text) {
        return JsonParser.parseString(text).getAsJsonObject();
    }
}
