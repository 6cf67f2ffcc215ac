package io.morphgate.serving.wire;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import io.morphgate.api.serving.Prediction;
import io.morphgate.api.serving.ServingException;

/**
 * How predictions and errors look on the wire, the same over HTTP and MQTT (docs/protocol.md). Not exported: the
 * endpoint bundles copy this package in privately (bnd {@code -conditionalpackage}).
 */
public final class PredictionJson {

    private PredictionJson() {
    }

    /** @param totalMillis time from the request's arrival at the endpoint to the reply */
    public static JsonObject prediction(Prediction p, double totalMillis) {
        JsonObject json = new JsonObject();
        JsonArray top = new JsonArray();
        p.topClasses().forEach(c -> {
            JsonObject score = new JsonObject();
            score.addProperty("index", c.index());
            score.addProperty("label", c.label());
            score.addProperty("probability", c.probability());
            top.add(score);
        });
        json.addProperty("label", p.topClasses().get(0).label());
        json.addProperty("index", p.topClasses().get(0).index());
        json.add("top", top);
        json.addProperty("configurationId", p.configurationId());
        json.addProperty("generation", p.generation());
        JsonObject timing = new JsonObject();
        timing.addProperty("totalMillis", totalMillis);
        timing.addProperty("queueMillis", p.queueMillis());
        timing.addProperty("inferenceMillis", p.inferenceMillis());
        timing.addProperty("batchSize", p.batchSize());
        json.add("timing", timing);
        return json;
    }

    public static JsonObject error(ServingException e) {
        JsonObject error = new JsonObject();
        error.addProperty("code", e.code().name());
        error.addProperty("message", e.reason());
        JsonObject json = new JsonObject();
        json.add("error", error);
        return json;
    }

    /** The serving exception behind a failed stage, or a RUNTIME_FAILURE that names the unexpected one. */
    public static ServingException cause(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof java.util.concurrent.CompletionException || t instanceof java.util.concurrent.ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t instanceof ServingException s ? s
                : new ServingException(ServingException.Code.RUNTIME_FAILURE, "unexpected failure: " + t, t);
    }
}
