package io.morphgate.fleet.desired;

import java.time.Instant;
import java.util.Locale;

/**
 * One gateway's desired state as the database holds it (see V3__desired_state.sql): the budget limits deployments
 * set (JSON, null: none), its revision and the last one the gateway confirmed, what set it, how the gateway's
 * reports compare with it ({@link Drift} statuses) since when, and when it last reported (null: not since).
 */
public record DesiredState(String gatewayId, String budget, long revision, long appliedRevision, String source,
        Instant updatedAt, String status, String difference, Instant statusSince, Instant reportedAt) {

    /** True when something is desired at all. */
    public boolean hasBudget() {
        return budget != null;
    }

    /** The status as the gateways list and the API show it: in-sync, pending, drifted, unknown; "-" when none. */
    public static String label(DesiredState d) {
        return d == null || !d.hasBudget() ? "-" : d.status().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** True when the gateway reports something else than desired: drifted, or a change pending. */
    public static boolean differs(DesiredState d) {
        return d != null && (Drift.DRIFTED.equals(d.status()) || Drift.PENDING.equals(d.status()));
    }
}
