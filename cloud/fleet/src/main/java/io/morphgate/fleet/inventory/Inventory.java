package io.morphgate.fleet.inventory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * The gateways the fleet knows, in the database: what their retained {@code state}, their {@code telemetry} and
 * their {@code budget} said last, and the groups an operator put them in. One instance per connection; not
 * thread-safe (the controller writes from one thread).
 */
public final class Inventory implements AutoCloseable {

    private final Connection connection;

    public Inventory(Database database) throws SQLException {
        this.connection = database.connect();
    }

    /** {@code state}: online with who it is and what serves, or the last will's offline. */
    public void recordState(String gatewayId, JsonObject state, Instant at) throws SQLException {
        ensure(gatewayId, at);
        boolean online = "online".equals(text(state, "status"));
        if (!online) {
            update("UPDATE gateway SET online = FALSE, state_since = ?, last_seen = ? WHERE id = ?", time(at), time(at),
                    gatewayId);
            return;
        }
        JsonObject model = state.has("model") && state.get("model").isJsonObject() ? state.getAsJsonObject("model") : null;
        update("UPDATE gateway SET online = TRUE, state_since = ?, started_at = ?, model_id = ?, model_version = ?, "
                + "backbone_id = ?, versions = ?, slots = ?, last_seen = ? WHERE id = ?",
                time(at), text(state, "startedAt"), model == null ? null : text(model, "id"),
                model == null ? null : text(model, "version"), text(state, "backboneId"), json(state, "versions"),
                json(state, "slots"), time(at), gatewayId);
    }

    /** {@code telemetry}: the serving model, its configuration and the window's figures. */
    public void recordTelemetry(String gatewayId, JsonObject telemetry, Instant at) throws SQLException {
        ensure(gatewayId, at);
        JsonObject model = telemetry.has("model") && telemetry.get("model").isJsonObject()
                ? telemetry.getAsJsonObject("model") : null;
        JsonObject configuration = telemetry.has("configuration") && telemetry.get("configuration").isJsonObject()
                ? telemetry.getAsJsonObject("configuration") : null;
        update("UPDATE gateway SET online = TRUE, serving_state = ?, model_id = ?, model_version = ?, configuration_id = ?, "
                + "p50_millis = ?, p99_millis = ?, requests = ?, failures = ?, telemetry_at = ?, last_seen = ? WHERE id = ?",
                text(telemetry, "state"), model == null ? null : text(model, "id"),
                model == null ? null : text(model, "version"), configuration == null ? null : text(configuration, "id"),
                number(telemetry, "p50LatencyMillis"), number(telemetry, "p99LatencyMillis"),
                whole(telemetry, "requests"), whole(telemetry, "failures"), time(at), time(at), gatewayId);
    }

    /** The budget in force (a budget reply's result: the four limits). */
    public void recordBudget(String gatewayId, JsonObject budget, Instant at) throws SQLException {
        ensure(gatewayId, at);
        update("UPDATE gateway SET budget = ?, last_seen = ? WHERE id = ?", budget.toString(), time(at), gatewayId);
    }

    public void addToGroup(String group, Collection<String> gatewayIds) throws SQLException {
        for (String id : gatewayIds) {
            update("INSERT INTO gateway_group (group_name, gateway_id) SELECT ?, ? WHERE NOT EXISTS "
                    + "(SELECT 1 FROM gateway_group WHERE group_name = ? AND gateway_id = ?)", group, id, group, id);
        }
    }

    public void removeFromGroup(String group, Collection<String> gatewayIds) throws SQLException {
        for (String id : gatewayIds) {
            update("DELETE FROM gateway_group WHERE group_name = ? AND gateway_id = ?", group, id);
        }
    }

    /** Every gateway, or those of one group (null: all), by id. */
    public List<GatewayRecord> list(String group) throws SQLException {
        Map<String, List<String>> groups = new HashMap<>();
        try (PreparedStatement s = connection.prepareStatement(
                "SELECT gateway_id, group_name FROM gateway_group ORDER BY group_name"); ResultSet r = s.executeQuery()) {
            while (r.next()) {
                groups.computeIfAbsent(r.getString(1), k -> new ArrayList<>()).add(r.getString(2));
            }
        }
        String sql = "SELECT * FROM gateway"
                + (group == null ? "" : " WHERE id IN (SELECT gateway_id FROM gateway_group WHERE group_name = ?)")
                + " ORDER BY id";
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            if (group != null) {
                s.setString(1, group);
            }
            List<GatewayRecord> rows = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.add(GatewayRecord.read(r, groups.getOrDefault(r.getString("id"), List.of())));
                }
            }
            return rows;
        }
    }

    /** One gateway, with its groups. */
    public Optional<GatewayRecord> find(String gatewayId) throws SQLException {
        List<String> groups = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement(
                "SELECT group_name FROM gateway_group WHERE gateway_id = ? ORDER BY group_name")) {
            s.setString(1, gatewayId);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    groups.add(r.getString(1));
                }
            }
        }
        try (PreparedStatement s = connection.prepareStatement("SELECT * FROM gateway WHERE id = ?")) {
            s.setString(1, gatewayId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(GatewayRecord.read(r, groups)) : Optional.empty();
            }
        }
    }

    private void ensure(String gatewayId, Instant at) throws SQLException {
        update("INSERT INTO gateway (id, last_seen) SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM gateway WHERE id = ?)",
                gatewayId, time(at), gatewayId);
    }

    private void update(String sql, Object... values) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                if (values[i] == null) {
                    s.setNull(i + 1, Types.NULL);
                } else {
                    s.setObject(i + 1, values[i]);
                }
            }
            s.executeUpdate();
        }
    }

    private static OffsetDateTime time(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }

    private static String text(JsonObject json, String name) {
        JsonElement e = json.get(name);
        return e == null || e.isJsonNull() ? null : e.isJsonPrimitive() ? e.getAsString() : e.toString();
    }

    private static String json(JsonObject json, String name) {
        JsonElement e = json.get(name);
        return e == null || e.isJsonNull() ? null : e.toString();
    }

    private static Double number(JsonObject json, String name) {
        JsonElement e = json.get(name);
        return e == null || e.isJsonNull() ? null : e.getAsDouble();
    }

    private static Long whole(JsonObject json, String name) {
        JsonElement e = json.get(name);
        return e == null || e.isJsonNull() ? null : e.getAsLong();
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
