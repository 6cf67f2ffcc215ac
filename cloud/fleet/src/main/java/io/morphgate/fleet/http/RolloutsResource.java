package io.morphgate.fleet.http;

import java.sql.SQLException;
import java.util.Optional;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import io.morphgate.fleet.rollout.RolloutPlan;
import io.morphgate.fleet.rollout.RolloutStore;
import io.morphgate.fleet.rollout.RolloutStore.Rollout;

/**
 * {@code /api/v1/rollouts}: the rollouts with their waves, gates and steps; a new one ({@link RolloutPlan}, as the
 * deploy command); an abort (as the abort command). The running controller carries both out.
 */
final class RolloutsResource {

    private final ApiStores stores;

    RolloutsResource(ApiStores stores) {
        this.stores = stores;
    }

    /** {@code GET /api/v1/rollouts?limit=N}: the latest, newest first. */
    ApiReply list(ApiRequest request) throws ApiError, SQLException {
        int limit = request.number("limit", 1, 1000, 50);
        RolloutStore store = stores.rollouts();
        JsonArray rollouts = new JsonArray();
        for (Rollout r : store.latest(limit)) {
            rollouts.add(FleetJson.rolloutSummary(r, store.steps(r.id())));
        }
        JsonObject json = new JsonObject();
        json.add("rollouts", rollouts);
        return ApiReply.ok(json);
    }

    /** {@code GET /api/v1/rollouts/{id}}. */
    ApiReply one(String id) throws ApiError, SQLException {
        Rollout r = find(stores.rollouts(), id);
        return ApiReply.ok(FleetJson.rollout(r, stores.rollouts().steps(id)));
    }

    /** {@code POST /api/v1/rollouts}: 201 with the PENDING rollout. */
    ApiReply create(ApiRequest request) throws ApiError, SQLException {
        RolloutPlan plan = RolloutRequest.plan(request.json());
        String id;
        try {
            id = plan.submit(stores.inventory(), stores.rollouts());
        } catch (RolloutPlan.Rejected e) {
            throw RolloutPlan.Rejected.EXISTS.equals(e.code())
                    ? ApiError.conflict(e.code(), e.getMessage(), e.field())
                    : ApiError.badRequest(e.field(), e.getMessage());
        }
        RolloutStore store = stores.rollouts();
        return new ApiReply(201, FleetJson.rollout(find(store, id), store.steps(id)), "/api/v1/rollouts/" + id);
    }

    /** {@code POST /api/v1/rollouts/{id}/abort}: 202 while the controller stops it; 409 when it is not running. */
    ApiReply abort(String id) throws ApiError, SQLException {
        RolloutStore store = stores.rollouts();
        Rollout before = find(store, id);
        if (!store.requestAbort(id)) {
            throw ApiError.conflict("NOT_RUNNING", "rollout " + id + " is " + before.state()
                    + ": only a PENDING or RUNNING rollout can be aborted", null);
        }
        return new ApiReply(202, FleetJson.rolloutSummary(find(store, id), store.steps(id)), null);
    }

    private static Rollout find(RolloutStore store, String id) throws ApiError, SQLException {
        Optional<Rollout> r = store.find(id);
        if (r.isEmpty()) {
            throw ApiError.notFound("no rollout " + id);
        }
        return r.get();
    }
}
