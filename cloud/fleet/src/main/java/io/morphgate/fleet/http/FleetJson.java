package io.morphgate.fleet.http;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;

import io.morphgate.fleet.desired.DesiredState;
import io.morphgate.fleet.inventory.GatewayRecord;
import io.morphgate.fleet.rollout.RolloutStore.Rollout;
import io.morphgate.fleet.rollout.RolloutStore.Step;
import io.morphgate.fleet.rollout.WaveGate;

/**
 * The API's JSON, one method per shape (docs/fleet.md, HTTP API, shows each): a gateway, a rollout in the list, a
 * rollout with its waves, gates and steps, an error. Times are ISO-8601 UTC; durations in seconds; a figure not
 * known is null; JSON the database keeps as text (budgets, versions) is given as JSON.
 */
final class FleetJson {

    private FleetJson() {
    }

    /** A gateway with its desired state (null: none). */
    static JsonObject gateway(GatewayRecord g, DesiredState d) {
        JsonObject json = new JsonObject();
        json.addProperty("id", g.id());
        json.addProperty("online", g.online());
        JsonArray groups = new JsonArray();
        g.groups().forEach(groups::add);
        json.add("groups", groups);
        json.add("model", g.modelId() == null ? JsonNull.INSTANCE : model(g));
        json.addProperty("backboneId", g.backboneId());
        json.add("versions", parsed(g.versions()));
        json.addProperty("servingState", g.servingState());
        json.addProperty("configurationId", g.configurationId());
        json.add("budget", parsed(g.budget()));
        json.addProperty("p50Millis", g.p50Millis());
        json.addProperty("p99Millis", g.p99Millis());
        json.addProperty("requests", g.requests());
        json.addProperty("failures", g.failures());
        json.addProperty("failureRate", g.failureRate());
        json.addProperty("telemetryAt", time(g.telemetryAt()));
        json.addProperty("lastSeen", time(g.lastSeen()));
        json.add("desired", d == null || !d.hasBudget() ? JsonNull.INSTANCE : desired(d));
        return json;
    }

    private static JsonObject model(GatewayRecord g) {
        JsonObject model = new JsonObject();
        model.addProperty("id", g.modelId());
        model.addProperty("version", g.modelVersion());
        return model;
    }

    private static JsonObject desired(DesiredState d) {
        JsonObject json = new JsonObject();
        json.addProperty("status", DesiredState.label(d));
        json.add("budget", parsed(d.budget()));
        json.addProperty("revision", d.revision());
        json.addProperty("appliedRevision", d.appliedRevision());
        json.addProperty("source", d.source());
        json.addProperty("difference", d.difference());
        json.addProperty("since", time(d.statusSince()));
        json.addProperty("reportedAt", time(d.reportedAt()));
        return json;
    }

    /** A rollout as the list shows it: its state and how many steps stand where. */
    static JsonObject rolloutSummary(Rollout r, List<Step> steps) {
        JsonObject json = new JsonObject();
        json.addProperty("id", r.id());
        json.addProperty("state", r.state());
        json.addProperty("reason", r.reason());
        json.addProperty("abortRequested", r.abortRequested());
        json.add("budget", parsed(r.budget()));
        json.addProperty("createdAt", time(r.createdAt()));
        json.addProperty("updatedAt", time(r.updatedAt()));
        json.addProperty("gateways", steps.size());
        json.addProperty("waveCount", steps.stream().mapToInt(Step::wave).max().orElse(-1) + 1);
        json.add("currentWave", currentWave(r, steps));
        json.add("apply", counts(steps, Step::applyState));
        json.add("health", counts(steps.stream().filter(s -> s.health() != null).toList(), Step::health));
        json.add("rollback", counts(steps.stream().filter(s -> !"NONE".equals(s.rollbackState())).toList(),
                Step::rollbackState));
        return json;
    }

    /** A rollout with its plan and, per wave, its counts, gates and steps. */
    static JsonObject rollout(Rollout r, List<Step> steps) {
        JsonObject json = rolloutSummary(r, steps);
        JsonObject plan = new JsonObject();
        plan.addProperty("canary", r.canary());
        plan.addProperty("waveSize", r.waveSize());
        plan.addProperty("wavePauseSeconds", r.wavePauseMillis() / 1000.0);
        plan.addProperty("healthWaitSeconds", r.healthWaitMillis() / 1000.0);
        plan.addProperty("maxBadShare", r.maxBadShare());
        plan.addProperty("commandTimeoutSeconds", r.commandTimeoutMillis() / 1000.0);
        json.add("plan", plan);
        JsonArray waves = new JsonArray();
        new TreeMap<>(steps.stream().collect(Collectors.groupingBy(Step::wave)))
                .forEach((wave, list) -> waves.add(wave(r, wave, list)));
        json.add("waves", waves);
        return json;
    }

    private static JsonObject wave(Rollout r, int wave, List<Step> steps) {
        WaveGate apply = WaveGate.apply(steps, r.maxBadShare());
        WaveGate health = WaveGate.health(steps, r.maxBadShare());
        JsonObject json = new JsonObject();
        json.addProperty("wave", wave);
        json.addProperty("canary", wave == 0);
        json.addProperty("phase", phase(r, apply, health, steps));
        json.addProperty("gateways", steps.size());
        json.add("apply", counts(steps, Step::applyState));
        json.add("health", counts(steps.stream().filter(s -> s.health() != null).toList(), Step::health));
        json.add("rollback", counts(steps.stream().filter(s -> !"NONE".equals(s.rollbackState())).toList(),
                Step::rollbackState));
        JsonObject gates = new JsonObject();
        gates.add(WaveGate.APPLY, gate(apply, apply.decided()));
        gates.add(WaveGate.HEALTH, apply.decided() && apply.passed() ? gate(health, health.decided()) : JsonNull.INSTANCE);
        json.add("gates", gates);
        JsonArray list = new JsonArray();
        steps.forEach(s -> list.add(step(s)));
        json.add("steps", list);
        return json;
    }

    /**
     * WAITING (nothing sent), APPLYING (commands out), CHECKING_HEALTH (waiting for telemetry), PASSED, FAILED (a
     * gate failed), or STOPPED (the rollout ended before this wave's gates were decided).
     */
    private static String phase(Rollout r, WaveGate apply, WaveGate health, List<Step> steps) {
        if (apply.decided() && !apply.passed() || health.decided() && !health.passed()) {
            return "FAILED";
        }
        if (apply.decided() && health.decided()) {
            return "PASSED";
        }
        if (!"RUNNING".equals(r.state()) && !"PENDING".equals(r.state())) {
            return "STOPPED";
        }
        if (steps.stream().allMatch(s -> "PENDING".equals(s.applyState()))) {
            return "WAITING";
        }
        return apply.decided() ? "CHECKING_HEALTH" : "APPLYING";
    }

    private static JsonObject gate(WaveGate gate, boolean decided) {
        JsonObject json = new JsonObject();
        json.addProperty("bad", gate.bad());
        json.addProperty("counted", gate.counted());
        json.addProperty("decided", decided);
        json.add("passed", decided ? new JsonPrimitive(gate.passed()) : JsonNull.INSTANCE);
        return json;
    }

    private static JsonObject step(Step s) {
        JsonObject json = new JsonObject();
        json.addProperty("gatewayId", s.gatewayId());
        json.addProperty("wave", s.wave());
        json.addProperty("applyRequestId", s.applyRequestId());
        json.addProperty("applyState", s.applyState());
        json.addProperty("applyDetail", s.applyDetail());
        json.addProperty("appliedAt", time(s.appliedAt()));
        json.add("previousBudget", parsed(s.previousBudget()));
        json.addProperty("baselineP99Millis", s.baselineP99());
        json.addProperty("baselineFailureRate", s.baselineFailureRate());
        json.addProperty("health", s.health());
        json.addProperty("healthDetail", s.healthDetail());
        json.addProperty("rollbackRequestId", s.rollbackRequestId());
        json.addProperty("rollbackState", s.rollbackState());
        return json;
    }

    /** The first wave not yet passed while the rollout runs; null otherwise. */
    private static JsonElement currentWave(Rollout r, List<Step> steps) {
        if (!"RUNNING".equals(r.state())) {
            return JsonNull.INSTANCE;
        }
        Map<Integer, List<Step>> waves = new TreeMap<>(steps.stream().collect(Collectors.groupingBy(Step::wave)));
        for (Map.Entry<Integer, List<Step>> w : waves.entrySet()) {
            WaveGate apply = WaveGate.apply(w.getValue(), r.maxBadShare());
            if (!apply.decided() || !WaveGate.health(w.getValue(), r.maxBadShare()).decided()) {
                return new JsonPrimitive(w.getKey());
            }
        }
        return JsonNull.INSTANCE;
    }

    /** How many steps have each value, by value. */
    private static JsonObject counts(List<Step> steps, Function<Step, String> value) {
        JsonObject json = new JsonObject();
        new TreeMap<>(steps.stream().collect(Collectors.groupingBy(value, Collectors.counting())))
                .forEach(json::addProperty);
        return json;
    }

    /** An error: a code, a message a person can act on, and the field at fault when there is one. */
    static JsonObject error(String code, String message, String field) {
        JsonObject error = new JsonObject();
        error.addProperty("code", code);
        error.addProperty("message", message);
        if (field != null) {
            error.addProperty("field", field);
        }
        JsonObject json = new JsonObject();
        json.add("error", error);
        return json;
    }

    private static JsonElement parsed(String json) {
        return json == null ? JsonNull.INSTANCE : JsonParser.parseString(json);
    }

    private static String time(Instant at) {
        return at == null ? null : at.toString();
    }
}
