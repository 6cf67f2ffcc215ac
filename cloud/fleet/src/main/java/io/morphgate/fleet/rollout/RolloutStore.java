package io.morphgate.fleet.rollout;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.morphgate.fleet.inventory.Database;

/** Rollouts and their steps in the database: every change of state is written at once (autocommit). */
public final class RolloutStore implements AutoCloseable {

    /** A rollout's plan and where it stands (the times are null in a plan not written yet). */
    public record Rollout(String id, String budget, String state, String reason, boolean abortRequested, int canary,
            int waveSize, long wavePauseMillis, long healthWaitMillis, double maxBadShare, long commandTimeoutMillis,
            Instant createdAt, Instant updatedAt) {

        /** Still to run or to roll back. */
        public boolean active() {
            return List.of("PENDING", "RUNNING", "ROLLING_BACK").contains(state);
        }
    }

    /** One gateway's part of a rollout. */
    public record Step(String gatewayId, int wave, String previousBudget, Double baselineP99, Double baselineFailureRate,
            String applyRequestId, String applyState, String applyDetail, Instant appliedAt, String health,
            String healthDetail, String rollbackRequestId, String rollbackState, String previousDesiredBudget) {
    }

    private final Connection connection;

    public RolloutStore(Database database) throws SQLException {
        this.connection = database.connect();
    }

    /** Creates a PENDING rollout; the gateways in order, the first {@code canary} in wave 0, then waves of waveSize. */
    public void create(Rollout plan, List<String> gateways) throws SQLException {
        connection.setAutoCommit(false);
        try {
            Instant now = Instant.now();
            update("INSERT INTO rollout (id, budget, state, canary, wave_size, wave_pause_millis, health_wait_millis, "
                    + "max_bad_share, command_timeout_millis, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    plan.id(), plan.budget(), "PENDING", plan.canary(), plan.waveSize(), plan.wavePauseMillis(),
                    plan.healthWaitMillis(), plan.maxBadShare(), plan.commandTimeoutMillis(), time(now), time(now));
            for (int i = 0; i < gateways.size(); i++) {
                int wave = i < plan.canary() ? 0 : 1 + (i - plan.canary()) / plan.waveSize();
                String g = gateways.get(i);
                update("INSERT INTO rollout_step (rollout_id, gateway_id, wave, apply_request_id, apply_state, "
                        + "rollback_request_id, rollback_state) VALUES (?,?,?,?,?,?,?)", plan.id(), g, wave,
                        plan.id() + "-apply-" + g, "PENDING", plan.id() + "-rollback-" + g, "NONE");
            }
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    public Optional<Rollout> find(String id) throws SQLException {
        List<Rollout> found = rollouts("SELECT * FROM rollout WHERE id = ?", id);
        return found.stream().findFirst();
    }

    /** The latest {@code limit} rollouts, newest first. */
    public List<Rollout> latest(int limit) throws SQLException {
        return rollouts("SELECT * FROM rollout ORDER BY created_at DESC, id LIMIT ?", limit);
    }

    /** Rollouts still to run or to roll back, oldest first. */
    public List<Rollout> unfinished() throws SQLException {
        return rollouts("SELECT * FROM rollout WHERE state IN ('PENDING', 'RUNNING', 'ROLLING_BACK') ORDER BY created_at");
    }

    public List<Step> steps(String rolloutId) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(
                "SELECT * FROM rollout_step WHERE rollout_id = ? ORDER BY wave, gateway_id")) {
            s.setString(1, rolloutId);
            List<Step> steps = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    OffsetDateTime applied = r.getObject("applied_at", OffsetDateTime.class);
                    steps.add(new Step(r.getString("gateway_id"), r.getInt("wave"), r.getString("previous_budget"),
                            (Double) r.getObject("baseline_p99"), (Double) r.getObject("baseline_failure_rate"),
                            r.getString("apply_request_id"), r.getString("apply_state"), r.getString("apply_detail"),
                            applied == null ? null : applied.toInstant(), r.getString("health"),
                            r.getString("health_detail"), r.getString("rollback_request_id"),
                            r.getString("rollback_state"), r.getString("previous_desired_budget")));
                }
            }
            return steps;
        }
    }

    public void state(String rolloutId, String state, String reason) throws SQLException {
        update("UPDATE rollout SET state = ?, reason = COALESCE(?, reason), updated_at = ? WHERE id = ?", state, reason,
                time(Instant.now()), rolloutId);
    }

    /** Asks the controller to stop and roll back; true when the rollout was still running. */
    public boolean requestAbort(String rolloutId) throws SQLException {
        return update("UPDATE rollout SET abort_requested = TRUE, updated_at = ? WHERE id = ? AND state IN "
                + "('PENDING', 'RUNNING')", time(Instant.now()), rolloutId) > 0;
    }

    /** Before the first send: what to restore, and the figures the health gate compares with. */
    public void sending(String rolloutId, String gatewayId, String previousBudget, String previousDesired, Double p99,
            Double failureRate) throws SQLException {
        update("UPDATE rollout_step SET apply_state = 'SENT', previous_budget = ?, previous_desired_budget = ?, "
                + "baseline_p99 = ?, baseline_failure_rate = ? WHERE rollout_id = ? AND gateway_id = ?", previousBudget,
                previousDesired, p99, failureRate, rolloutId, gatewayId);
    }

    /** Offline when its wave came: no command; its desired state changes, and it catches up when back online. */
    public void skipped(String rolloutId, String gatewayId, String previousBudget, String previousDesired)
            throws SQLException {
        update("UPDATE rollout_step SET apply_state = 'SKIPPED', apply_detail = 'offline: caught up when back online', "
                + "previous_budget = ?, previous_desired_budget = ?, applied_at = ? WHERE rollout_id = ? AND "
                + "gateway_id = ?", previousBudget, previousDesired, time(Instant.now()), rolloutId, gatewayId);
    }

    public void applied(String rolloutId, String gatewayId, String state, String detail) throws SQLException {
        update("UPDATE rollout_step SET apply_state = ?, apply_detail = ?, applied_at = ? WHERE rollout_id = ? AND "
                + "gateway_id = ?", state, detail, time(Instant.now()), rolloutId, gatewayId);
    }

    public void health(String rolloutId, String gatewayId, String health, String detail) throws SQLException {
        update("UPDATE rollout_step SET health = ?, health_detail = ? WHERE rollout_id = ? AND gateway_id = ?", health,
                detail, rolloutId, gatewayId);
    }

    public void rollback(String rolloutId, String gatewayId, String state) throws SQLException {
        update("UPDATE rollout_step SET rollback_state = ? WHERE rollout_id = ? AND gateway_id = ?", state, rolloutId,
                gatewayId);
    }

    private List<Rollout> rollouts(String sql, Object... values) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            bind(s, values);
            List<Rollout> list = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    list.add(new Rollout(r.getString("id"), r.getString("budget"), r.getString("state"),
                            r.getString("reason"), r.getBoolean("abort_requested"), r.getInt("canary"),
                            r.getInt("wave_size"), r.getLong("wave_pause_millis"), r.getLong("health_wait_millis"),
                            r.getDouble("max_bad_share"), r.getLong("command_timeout_millis"),
                            r.getObject("created_at", OffsetDateTime.class).toInstant(),
                            r.getObject("updated_at", OffsetDateTime.class).toInstant()));
                }
            }
            return list;
        }
    }

    private int update(String sql, Object... values) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            bind(s, values);
            return s.executeUpdate();
        }
    }

    private static void bind(PreparedStatement s, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                s.setNull(i + 1, Types.NULL);
            } else {
                s.setObject(i + 1, values[i]);
            }
        }
    }

    private static OffsetDateTime time(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
