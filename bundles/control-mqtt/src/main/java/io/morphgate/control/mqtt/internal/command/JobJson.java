package io.morphgate.control.mqtt.internal.command;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import io.morphgate.api.deployment.JobOutcome;
import io.morphgate.api.deployment.JobProgress;

/**
 * A deployment job's progress and outcome on the wire ({@code event/job}, a deployment verb's reply). Only the control
 * link writes them, so they are not in io.morphgate.wire (the status page would import the deployment API for nothing).
 */
public final class JobJson {

    private JobJson() {
    }

    public static JsonObject progress(JobProgress p) {
        JsonObject json = new JsonObject();
        json.addProperty("jobId", p.requestId());
        json.addProperty("stage", p.stage().name());
        json.addProperty("percent", p.percent());
        json.addProperty("message", p.message());
        json.addProperty("final", false);
        return json;
    }

    public static JsonObject outcome(JobOutcome o) {
        JsonObject json = new JsonObject();
        json.addProperty("jobId", o.requestId());
        json.addProperty("stage", o.stage().name());
        json.addProperty("percent", 100);
        json.addProperty("message", o.message());
        json.addProperty("final", true);
        json.add("error", o.error().<JsonElement>map(c -> new JsonPrimitive(c.name())).orElse(JsonNull.INSTANCE));
        JsonArray bundles = new JsonArray();
        o.bundles().forEach(bundles::add);
        json.add("bundles", bundles);
        json.addProperty("recovered", o.recovered());
        return json;
    }
}
