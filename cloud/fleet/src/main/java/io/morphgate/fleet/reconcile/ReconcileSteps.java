package io.morphgate.fleet.reconcile;

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

import io.morphgate.fleet.desired.DesiredState;
import io.morphgate.fleet.inventory.Database;

/**
 * Reconcile steps in the database (V3__desired_state.sql): each written before its command goes out, with a request
 * id made from the gateway, the desired state's revision and a count, so no two steps share one. Thread-safe.
 */
public final class ReconcileSteps implements AutoCloseable {

    public static final String CATCH_UP = "CATCH_UP";
    public static final String OPERATOR = "OPERATOR";

    /** One reconcile command: the desired budget of one revision, sent to one gateway. */
    public record Step(String requestId, String gatewayId, long revision, String trigger, String budget, String state,
            String detail, Instant createdAt, Instant answeredAt) {
    }

    private final Connection connection;

    public ReconcileSteps(Database database) throws SQLException {
        this.connection = database.connect();
    }

    /**
     * A PENDING step that brings the gateway to {@code desired}, or the step already open (PENDING or SENT) for it:
     * a gateway has one reconcile at a time.
     */
    public synchronized Step request(DesiredState desired, String trigger, Instant at) throws SQLException {
        Optional<Step> open = select("SELECT * FROM reconcile_step WHERE gateway_id = ? AND state IN ('PENDING', 'SENT')",
                desired.gatewayId()).stream().findFirst();
        if (open.isPresent()) {
            return open.get();
        }
        long earlier;
        try (PreparedStatement s = connection.prepareStatement(
                "SELECT COUNT(*) FROM reconcile_step WHERE gateway_id = ? AND revision = ?")) {
            s.setString(1, desired.gatewayId());
            s.setLong(2, desired.revision());
            try (ResultSet r = s.executeQuery()) {
                r.next();
                earlier = r.getLong(1);
            }
        }
        String requestId = desired.gatewayId() + "-reconcile-" + desired.revision() + "-" + (earlier + 1);
        update("INSERT INTO reconcile_step (request_id, gateway_id, revision, trigger_kind, budget, state, created_at) "
                + "VALUES (?,?,?,?,?,?,?)", requestId, desired.gatewayId(), desired.revision(), trigger,
                desired.budget(), "PENDING", time(at));
        return find(requestId).orElseThrow();
    }

    public synchronized Optional<Step> find(String requestId) throws SQLException {
        return select("SELECT * FROM reconcile_step WHERE request_id = ?", requestId).stream().findFirst();
    }

    /** Steps to send: PENDING or SENT (left by a controller that stopped), of gateways online now, oldest first. */
    public synchronized List<Step> toSend() throws SQLException {
        return select("SELECT s.* FROM reconcile_step s JOIN gateway g ON g.id = s.gateway_id "
                + "WHERE s.state IN ('PENDING', 'SENT') AND g.online ORDER BY s.created_at, s.request_id");
    }

    /** The steps of one gateway, or of all (null), newest first, at most {@code limit}. */
    public synchronized List<Step> history(String gatewayId, int limit) throws SQLException {
        List<Step> all = gatewayId == null
                ? select("SELECT * FROM reconcile_step ORDER BY created_at DESC, request_id DESC")
                : select("SELECT * FROM reconcile_step WHERE gateway_id = ? ORDER BY created_at DESC, request_id DESC",
                        gatewayId);
        return all.subList(0, Math.min(limit, all.size()));
    }

    /** Written before the command goes out. */
    public synchronized void sent(String requestId) throws SQLException {
        update("UPDATE reconcile_step SET state = 'SENT' WHERE request_id = ? AND state = 'PENDING'", requestId);
    }

    /** OK, ERROR, TIMEOUT or SUPERSEDED, with why. */
    public synchronized void answered(String requestId, String state, String detail, Instant at) throws SQLException {
        update("UPDATE reconcile_step SET state = ?, detail = ?, answered_at = ? WHERE request_id = ?", state, detail,
                time(at), requestId);
    }

    private List<Step> select(String sql, Object... values) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            bind(s, values);
            List<Step> steps = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    OffsetDateTime answered = r.getObject("answered_at", OffsetDateTime.class);
                    steps.add(new Step(r.getString("request_id"), r.getString("gateway_id"), r.getLong("revision"),
                            r.getString("trigger_kind"), r.getString("budget"), r.getString("state"),
                            r.getString("detail"), r.getObject("created_at", OffsetDateTime.class).toInstant(),
                            answered == null ? null : answered.toInstant()));
                }
            }
            return steps;
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
