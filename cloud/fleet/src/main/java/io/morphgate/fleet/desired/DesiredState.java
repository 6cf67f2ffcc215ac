package io.morphgate.fleet.desired;

import java.time.Instant;

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
}
