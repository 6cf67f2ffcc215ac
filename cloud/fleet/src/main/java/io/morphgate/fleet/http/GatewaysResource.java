package io.morphgate.fleet.http;

import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import io.morphgate.fleet.desired.DesiredState;
import io.morphgate.fleet.inventory.GatewayRecord;

/** {@code /api/v1/gateways}: the inventory with each gateway's desired state, as the gateways command reads it. */
final class GatewaysResource {

    private final ApiStores stores;

    GatewaysResource(ApiStores stores) {
        this.stores = stores;
    }

    /** {@code GET /api/v1/gateways?group=G&drifted=true}. */
    ApiReply list(ApiRequest request) throws ApiError, SQLException {
        String group = request.query().get("group");
        if (group != null && group.isBlank()) {
            throw ApiError.badRequest("group", "group: a group name, not empty");
        }
        boolean drifted = request.flag("drifted", false);
        Map<String, DesiredState> states = stores.desired().list().stream()
                .collect(Collectors.toMap(DesiredState::gatewayId, Function.identity()));
        JsonArray gateways = new JsonArray();
        long online = 0;
        for (GatewayRecord g : stores.inventory().list(group)) {
            if (!drifted || DesiredState.differs(states.get(g.id()))) {
                gateways.add(FleetJson.gateway(g, states.get(g.id())));
                online += g.online() ? 1 : 0;
            }
        }
        JsonObject json = new JsonObject();
        json.addProperty("count", gateways.size());
        json.addProperty("online", online);
        json.add("gateways", gateways);
        return ApiReply.ok(json);
    }

    /** {@code GET /api/v1/gateways/{id}}. */
    ApiReply one(String id) throws ApiError, SQLException {
        Optional<GatewayRecord> gateway = stores.inventory().find(id);
        if (gateway.isEmpty()) {
            throw ApiError.notFound("no gateway " + id + " in the inventory");
        }
        return ApiReply.ok(FleetJson.gateway(gateway.get(), stores.desired().find(id).orElse(null)));
    }
}
