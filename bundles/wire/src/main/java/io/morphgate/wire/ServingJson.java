package io.morphgate.wire;

import static io.morphgate.wire.JsonValues.number;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Instant;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;

import io.morphgate.api.inference.ServingStatistics;
import io.morphgate.api.model.ModelStatus;
import io.morphgate.api.serving.QueueStatistics;

/**
 * How serving is going, on the wire: the inference service's window, the {@code telemetry} message (also status.json's
 * {@code telemetry}) and the device endpoints' queue. A latency of a window without requests (NaN) is null.
 */
public final class ServingJson {

    private ServingJson() {
    }

    /** The {@code status} reply's {@code serving}. */
    public static JsonObject statistics(ServingStatistics s) {
        JsonObject json = new JsonObject();
        json.add("windowSeconds", number(s.windowSeconds()));
        json.addProperty("requests", s.requests());
        json.addProperty("failures", s.failures());
        json.add("requestsPerSecond", number(s.requestsPerSecond()));
        json.add("p50LatencyMillis", number(s.p50LatencyMillis()));
        json.add("p99LatencyMillis", number(s.p99LatencyMillis()));
        json.addProperty("totalRequests", s.totalRequests());
        return json;
    }

    /**
     * The {@code telemetry} message: the model serving and its window's figures, now, with this JVM's heap.
     *
     * @param uptimeSeconds how long the publisher has been up (the control link and the status page count differently)
     */
    public static JsonObject telemetry(ModelStatus status, ServingStatistics serving, long uptimeSeconds) {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        JsonObject json = new JsonObject();
        json.addProperty("at", Instant.now().toString());
        json.addProperty("state", status.state().name());
        json.add("model", status.model().<JsonElement>map(ModelJson::modelIdentity).orElse(JsonNull.INSTANCE));
        json.add("configuration", ModelJson.configuration(status.configuration()));
        json.addProperty("generation", status.generation());
        // the number of composed models so far: the generation of the serving one
        json.addProperty("swaps", status.generation());
        json.add("p50LatencyMillis", number(serving.p50LatencyMillis()));
        json.add("p99LatencyMillis", number(serving.p99LatencyMillis()));
        json.add("requestsPerSecond", number(serving.requestsPerSecond()));
        json.addProperty("requests", serving.requests());
        json.addProperty("failures", serving.failures());
        json.add("windowSeconds", number(serving.windowSeconds()));
        json.addProperty("heapUsedBytes", heap.getUsed());
        json.addProperty("heapMaxBytes", heap.getMax());
        json.addProperty("uptimeSeconds", uptimeSeconds);
        return json;
    }

    /** The device endpoints' request queue and batching since the serving bundle started. */
    public static JsonObject queue(QueueStatistics q) {
        JsonObject json = new JsonObject();
        json.addProperty("queued", q.queued());
        json.addProperty("capacity", q.capacity());
        json.addProperty("accepted", q.accepted());
        json.addProperty("refused", q.refused());
        json.addProperty("rejected", q.rejected());
        json.addProperty("batches", q.batches());
        json.addProperty("meanBatchSize", q.batches() == 0 ? 0 : (double) q.batchedRequests() / q.batches());
        json.addProperty("maxBatchSize", q.maxBatchSize());
        json.addProperty("maxBatchDelayMicros", q.maxDelayMicros());
        return json;
    }
}
