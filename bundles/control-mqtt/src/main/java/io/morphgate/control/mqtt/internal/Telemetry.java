package io.morphgate.control.mqtt.internal;

import java.time.Duration;
import java.time.Instant;

import com.google.gson.JsonObject;

import io.morphgate.api.inference.InferenceService;
import io.morphgate.api.model.ModelControl;
import io.morphgate.control.mqtt.internal.command.Json;
import io.morphgate.control.mqtt.internal.transport.Outbox;
import io.morphgate.wire.ServingJson;

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
        return ServingJson.telemetry(model.status(), inference.statistics(),
                Duration.between(started, Instant.now()).toSeconds());
    }
}
