package io.morphgate.control.mqtt.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.time.Instant;

import com.google.gson.JsonObject;

import io.morphgate.api.inference.InferenceService;
import io.morphgate.api.inference.ServingStatistics;
import io.morphgate.api.model.ModelControl;
import io.morphgate.api.model.ModelStatus;
import io.morphgate.control.mqtt.internal.command.Json;
import io.morphgate.control.mqtt.internal.command.ModelJson;
import io.morphgate.control.mqtt.internal.transport.Outbox;

/** The periodic {@code telemetry} message; skipped (not queued) while the link is down: stale figures help nobody. */
final class Telemetry implements Runnable {

    private static final System.Logger LOG = System.getLogger(Telemetry.class.getName());

    private final Outbox outbox;
    private final ModelControl model;
    private final InferenceService inference;
    private final Instant started;

    Telemetry(Outbox outbox, ModelControl model, InferenceService inference, Instant started) {
        this.outbox = outbox;
        this.model = model;
        this.inference = inference;
        this.started = started;
    }

    @Override
    public void run() {
        if (!outbox.connected()) {
            return;
        }
        try {
            outbox.publish("telemetry", Json.bytes(snapshot()), false);
        } catch (RuntimeException e) {
            // a scheduled task that throws is never run again: log and keep going
            LOG.log(System.Logger.Level.WARNING, "cannot build telemetry: " + e, e);
        }
    }

    JsonObject snapshot() {
        ModelStatus status = model.status();
        ServingStatistics serving = inference.statistics();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        JsonObject json = new JsonObject();
        json.addProperty("at", Instant.now().toString());
        json.addProperty("state", status.state().name());
        json.add("model", status.model().map(ModelJson::modelIdentity).orElse(null));
        json.add("configuration", ModelJson.configuration(status.configuration()));
        json.addProperty("generation", status.generation());
        json.addProperty("swaps", status.generation());
        json.addProperty("p50LatencyMillis", serving.p50LatencyMillis());
        json.addProperty("p99LatencyMillis", serving.p99LatencyMillis());
        json.addProperty("requestsPerSecond", serving.requestsPerSecond());
        json.addProperty("requests", serving.requests());
        json.addProperty("failures", serving.failures());
        json.addProperty("windowSeconds", serving.windowSeconds());
        json.addProperty("heapUsedBytes", heap.getUsed());
        json.addProperty("heapMaxBytes", heap.getMax());
        json.addProperty("uptimeSeconds", Duration.between(started, Instant.now()).toSeconds());
        return json;
    }
}
