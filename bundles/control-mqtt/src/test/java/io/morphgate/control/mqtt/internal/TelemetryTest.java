package io.morphgate.control.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonObject;

import io.morphgate.api.inference.InferenceService;
import io.morphgate.api.inference.ServingStatistics;
import io.morphgate.api.model.Configuration;
import io.morphgate.api.model.ModelControl;
import io.morphgate.api.model.ModelStatus;
import io.morphgate.control.mqtt.internal.command.RecordingOutbox;

class TelemetryTest {

    @Test
    void aWindowWithoutRequestsHasNullLatenciesNotNaN() {
        ModelStatus status = new ModelStatus("backbone-test", ModelStatus.State.SERVING, Configuration.DEFAULT, 1, 100,
                1000, List.of(), List.of(), List.of(), Optional.empty());
        ModelControl model = proxy(ModelControl.class, "status", status);
        InferenceService inference = proxy(InferenceService.class, "statistics",
                new ServingStatistics(60, 0, 0, 0, Double.NaN, Double.NaN, 0));
        RecordingOutbox outbox = new RecordingOutbox();
        new Telemetry(outbox, model, inference, Instant.now()).run();
        RecordingOutbox.Message message = outbox.messages.get(0);
        assertEquals("telemetry", message.topic());
        assertFalse(message.payload().contains("NaN"), message.payload());
        JsonObject json = message.json(); // strict parse
        assertTrue(json.get("p50LatencyMillis").isJsonNull(), message.payload());
        assertTrue(json.get("p99LatencyMillis").isJsonNull(), message.payload());
        assertEquals(0, json.get("requests").getAsLong());
    }

    private static <T> T proxy(Class<T> type, String method, Object answer) {
        return type.cast(Proxy.newProxyInstance(TelemetryTest.class.getClassLoader(), new Class<?>[] {type},
                (p, m, args) -> {
                    if (m.getName().equals(method)) {
                        return answer;
                    }
                    throw new UnsupportedOperationException(m.getName());
                }));
    }
}
