package io.morphgate.fleet.desired;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

import com.google.gson.JsonObject;

import io.morphgate.fleet.inventory.Database;

/**
 * The desired state of each gateway and how its reports compare with it. Every change is one transaction that first
 * locks the gateway's inventory row (writing the reported budget when there is one), then writes the desired state
 * and its status: a report and a deployment's change of the same gateway never interleave, in this controller or
 * another. Thread-safe (one connection, synchronized).
 */
public final class DesiredStates implements AutoCloseable {

    private final Connection connection;

    public DesiredStates(Database database) throws SQLException {
        this.connection = database.connect();
    }

    public synchronized Optional<DesiredState> find(String gatewayId) throws SQLException {
        List<DesiredState> found = select("SELECT * FROM desired_state WHERE gateway_id = ?", gatewayId);
        return found.stream().findFirst();
    }

    /** Every gateway with a desired state, or those with one of {@code statuses} (none given: all), by id. */
    public synchronized List<DesiredState> list(String... statuses) throws SQLException {
        if (statuses.length == 0) {
            return select("SELECT * FROM desired_state ORDER BY gateway_id");
        }
        String marks = String.join(",", Collections.nCopies(statuses.length, "?"));
        return select("SELECT * FROM desired_state WHERE status IN (" + marks + ") ORDER BY gateway_id",
                (Object[]) statuses);
    }

    /**
     * A deployment set {@code limits} on a gateway: merged over what was desired. {@code reported}: the budget its
     * reply gave (the change is confirmed), or null when it did not answer or was offline (the change is pending).
     */
    public synchronized DesiredState deployed(String gatewayId, JsonObject limits, String source, JsonObject reported,
            Instant at) throws SQLException {
        return write(gatewayId, reported, at, before -> Drift.merge(before, limits), source, reported != null, null);
    }

    /** A rollback put back what was desired before ({@code previous}, null: nothing); confirmed as in deployed. */
    public synchronized DesiredState restored(String gatewayId, JsonObject previous, String source, JsonObject reported,
            Instant at) throws SQLException {
        return write(gatewayId, reported, at, before -> previous, source, reported != null, null);
    }

    /** What a gateway reports as its budget (read when it comes online, or a reply heard to anyone's budget command). */
    public synchronized Optional<DesiredState> reported(String gatewayId, JsonObject reported, Instant at)
            throws SQLException {
        return Optional.ofNullable(write(gatewayId, reported, at, null, null, false, null));
    }

    /** A reconcile step for {@code revision} was answered with {@code reported}: that revision is confirmed. */
    public synchronized Optional<DesiredState> confirmed(String gatewayId, long revision, JsonObject reported,
            Instant at) throws SQLException {
        return Optional.ofNullable(write(gatewayId, reported, at, null, null, false, revision));
    }

    /**
     * @param change      the new desired budget from the current one, or null to leave it (and its revision)
     * @param confirmed   the gateway confirmed the new revision
     * @param confirms    a revision the gateway confirmed (a reconcile step's), counted if it is still the current one
     * @return the desired state after, or null when the gateway has none
     */
    private DesiredState write(String gatewayId, JsonObject reported, Instant at, UnaryOperator<JsonObject> change,
            String source, boolean confirmed, Long confirms) throws SQLException {
        connection.setAutoCommit(false);
        try {
            String reportedBudget = lockGateway(gatewayId, reported, at);
            Optional<DesiredState> before = select("SELECT * FROM desired_state WHERE gateway_id = ?", gatewayId)
                    .stream().findFirst();
            if (change == null && before.isEmpty()) {
                connection.commit();
                return null;
            }
            JsonObject budget = before.map(DesiredState::budget).map(Drift::parse).orElse(null);
            long revision = before.map(DesiredState::revision).orElse(0L);
            long applied = before.map(DesiredState::appliedRevision).orElse(0L);
            String by = before.map(DesiredState::source).orElse(source);
            Instant updated = before.map(DesiredState::updatedAt).orElse(at);
            if (change != null) {
                budget = change.apply(budget);
                budget = budget == null || budget.size() == 0 ? null : budget;
                revision++;
                by = source;
                updated = at;
                applied = confirmed ? revision : applied;
            } else if (confirms != null && confirms == revision) {
                applied = revision;
            }
            Drift.Verdict verdict = Drift.judge(budget, Drift.parse(reportedBudget), applied == revision);
            if (Drift.IN_SYNC.equals(verdict.status()) && reportedBudget != null) {
                applied = revision; // it reports what is desired: a change that reached it another way counts
            }
            Instant since = before.filter(b -> b.status().equals(verdict.status())).map(DesiredState::statusSince)
                    .orElse(at);
            Instant reportedAt = reported != null ? at : before.map(DesiredState::reportedAt).orElse(null);
            DesiredState after = new DesiredState(gatewayId, budget == null ? null : budget.toString(), revision, applied,
                    by, updated, verdict.status(), verdict.describe(), since, reportedAt);
            save(after, before.isPresent());
            connection.commit();
            return after;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /** Locks the gateway's inventory row (writing the budget it reports, if any); returns its reported budget. */
    private String lockGateway(String gatewayId, JsonObject reported, Instant at) throws SQLException {
        if (reported != null) {
            update("INSERT INTO gateway (id, last_seen) SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM gateway WHERE id = ?)",
                    gatewayId, time(at), gatewayId);
            update("UPDATE gateway SET budget = ?, last_seen = ? WHERE id = ?", reported.toString(), time(at), gatewayId);
        }
        try (PreparedStatement s = connection.prepareStatement("SELECT budget FROM gateway WHERE id = ? FOR UPDATE")) {
            s.setString(1, gatewayId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }

    private void save(DesiredState d, boolean exists) throws SQLException {
        Object[] values = {d.budget(), d.revision(), d.appliedRevision(), d.source(), time(d.updatedAt()), d.status(),
            d.difference(), time(d.statusSince()), d.reportedAt() == null ? null : time(d.reportedAt()), d.gatewayId()};
        update(exists
                ? "UPDATE desired_state SET budget = ?, revision = ?, applied_revision = ?, source = ?, updated_at = ?, "
                        + "status = ?, difference = ?, status_since = ?, reported_at = ? WHERE gateway_id = ?"
                : "INSERT INTO desired_state (budget, revision, applied_revision, source, updated_at, status, difference, "
                        + "status_since, reported_at, gateway_id) VALUES (?,?,?,?,?,?,?,?,?,?)", values);
    }

    private List<DesiredState> select(String sql, Object... values) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            bind(s, values);
            List<DesiredState> rows = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    OffsetDateTime reportedAt = r.getObject("reported_at", OffsetDateTime.class);
                    rows.add(new DesiredState(r.getString("gateway_id"), r.getString("budget"), r.getLong("revision"),
                            r.getLong("applied_revision"), r.getString("source"),
                            r.getObject("updated_at", OffsetDateTime.class).toInstant(), r.getString("status"),
                            r.getString("difference"), r.getObject("status_since", OffsetDateTime.class).toInstant(),
                            reportedAt == null ? null : reportedAt.toInstant()));
                }
            }
            return rows;
        }
    }

    private void update(String sql, Object... values) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            bind(s, values);
            s.executeUpdate();
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
    public synchronized void close() throws SQLException {
        connection.close();
    }
}
