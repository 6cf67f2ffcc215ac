package io.morphgate.fleet.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.morphgate.fleet.inventory.GatewayRecord;

/** The health gate's rule for one changed gateway: its telemetry since the change against the figures before it. */
class HealthRuleTest {

    private static final Instant APPLIED = Instant.parse("2026-01-01T12:00:00Z");
    private static final RolloutStore.Step STEP = new RolloutStore.Step("gw-1", 0, null, 4.0, 0.0, "r-apply-gw-1", "OK",
            null, APPLIED, null, null, "r-rollback-gw-1", "NONE", null);

    @Test
    void healthyWhenFiguresHold() {
        assertNull(RolloutRunner.problem(STEP, now(7.9, 1000, 40, 1)));
    }

    @Test
    void failuresUpMoreThanFivePoints() {
        assertEquals("failure rate 0.200, was 0.000", RolloutRunner.problem(STEP, now(4.0, 1000, 200, 1)));
    }

    @Test
    void p99MoreThanDoubled() {
        assertEquals("p99 8.1 ms, was 4.0 ms", RolloutRunner.problem(STEP, now(8.1, 1000, 0, 1)));
    }

    @Test
    void noTelemetrySinceTheChangeIsNotHealthy() {
        assertEquals("no telemetry since the change", RolloutRunner.problem(STEP, now(4.0, 1000, 0, -1)));
        assertEquals("no telemetry since the change", RolloutRunner.problem(STEP, null));
    }

    private static GatewayRecord now(double p99, long requests, long failures, long secondsAfterChange) {
        Instant at = APPLIED.plusSeconds(secondsAfterChange);
        return new GatewayRecord("gw-1", true, "fashion-mnist", "1.0.0", "bb", null, null, "SERVING", "default", 2.0, p99,
                requests, failures, at, at, List.of());
    }
}
