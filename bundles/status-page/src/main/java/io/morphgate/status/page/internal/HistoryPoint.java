package io.morphgate.status.page.internal;

import static io.morphgate.wire.JsonValues.number;

import com.google.gson.JsonObject;

/**
 * One sample of the serving figures.
 *
 * @param atMillis          when (epoch milliseconds)
 * @param requestsPerSecond requests answered per second since the previous sample
 * @param p50LatencyMillis  median time in the model over the inference service's window (as telemetry)
 * @param p99LatencyMillis  99th percentile of the same
 * @param failures          requests that failed over the inference service's window (as telemetry)
 * @param queued            requests waiting for a batch at the sample
 * @param refused           requests refused (queue full) since the previous sample
 */
record HistoryPoint(long atMillis, double requestsPerSecond, double p50LatencyMillis, double p99LatencyMillis,
        long failures, int queued, long refused) {

    /** The point as status.json's {@code history} lists it; a latency of a window without requests is null. */
    JsonObject json() {
        JsonObject json = new JsonObject();
        json.addProperty("at", atMillis);
        json.add("requestsPerSecond", number(requestsPerSecond));
        json.add("p50LatencyMillis", number(p50LatencyMillis));
        json.add("p99LatencyMillis", number(p99LatencyMillis));
        json.addProperty("failures", failures);
        json.addProperty("queued", queued);
        json.addProperty("refused", refused);
        return json;
    }
}
