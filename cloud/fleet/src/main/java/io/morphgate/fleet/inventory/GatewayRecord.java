package io.morphgate.fleet.inventory;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

/** One gateway as the inventory holds it; a figure not heard of yet is null. */
public record GatewayRecord(String id, boolean online, String modelId, String modelVersion, String backboneId,
        String versions, String budget, String servingState, String configurationId, Double p50Millis, Double p99Millis,
        Long requests, Long failures, Instant telemetryAt, Instant lastSeen, List<String> groups) {

    static GatewayRecord read(ResultSet r, List<String> groups) throws SQLException {
        return new GatewayRecord(r.getString("id"), r.getBoolean("online"), r.getString("model_id"),
                r.getString("model_version"), r.getString("backbone_id"), r.getString("versions"), r.getString("budget"),
                r.getString("serving_state"), r.getString("configuration_id"), (Double) r.getObject("p50_millis"),
                (Double) r.getObject("p99_millis"), (Long) r.getObject("requests"), (Long) r.getObject("failures"),
                instant(r.getObject("telemetry_at", OffsetDateTime.class)),
                instant(r.getObject("last_seen", OffsetDateTime.class)), List.copyOf(groups));
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    /** Share of the window's requests that failed, or null without figures. */
    public Double failureRate() {
        return requests == null || failures == null || requests == 0 ? null : failures / (double) requests;
    }
}
