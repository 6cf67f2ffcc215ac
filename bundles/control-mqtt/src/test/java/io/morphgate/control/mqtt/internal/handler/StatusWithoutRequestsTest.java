package io.morphgate.control.mqtt.internal.handler;

import static io.morphgate.control.mqtt.internal.handler.Fakes.command;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonObject;

import io.morphgate.api.inference.InferenceService;
import io.morphgate.api.inference.ServingStatistics;
import io.morphgate.control.mqtt.internal.command.Json;

/** A window without requests has no latency: the status reply says null, as status.json does, never a bare NaN. */
class StatusWithoutRequestsTest {

    /** An inference service whose last minute served nothing. */
    static InferenceService idle() {
        ServingStatistics none = new ServingStatistics(60, 0, 0, 0, Double.NaN, Double.NaN, 0);
        return (InferenceService) Proxy.newProxyInstance(StatusWithoutRequestsTest.class.getClassLoader(),
                new Class<?>[] {InferenceService.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "statistics" -> none;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void latenciesOfAnEmptyWindowAreNullOnTheWire() throws Exception {
        var reply = new StatusHandler(new Fakes.Model(), idle()).handle(command("status", "{\"requestId\":\"r-1\"}"))
                .toCompletableFuture().get();
        String wire = Json.text(reply.toJson());
        assertFalse(wire.contains("NaN"), wire);
        assertTrue(wire.contains("\"p50LatencyMillis\":null"), wire);
        assertTrue(wire.contains("\"p99LatencyMillis\":null"), wire);
        // and the reply is strict JSON a cloud can read back
        JsonObject serving = Json.parse(wire).getAsJsonObject().getAsJsonObject("result").getAsJsonObject("serving");
        assertTrue(serving.get("p50LatencyMillis").isJsonNull());
        assertEquals(0, serving.get("requests").getAsLong());
    }

    @Test
    void fieldsDocumentedAsNullAreWrittenAsNull() throws Exception {
        var reply = new StatusHandler(new Fakes.Model(), idle()).handle(command("status", "{\"requestId\":\"r-1\"}"))
                .toCompletableFuture().get();
        JsonObject model = Json.parse(Json.text(reply.toJson())).getAsJsonObject().getAsJsonObject("result")
                .getAsJsonObject("model");
        assertTrue(model.has("lastSwap") && model.get("lastSwap").isJsonNull(), model.toString());
        assertTrue(model.has("lastError") && model.get("lastError").isJsonNull(), model.toString());
    }

    @Test
    void infinitiesAreNullToo() {
        JsonObject json = new JsonObject();
        json.addProperty("a", Double.POSITIVE_INFINITY);
        json.addProperty("b", Float.NEGATIVE_INFINITY);
        json.addProperty("c", 1.5);
        assertEquals("{\"a\":null,\"b\":null,\"c\":1.5}", Json.text(json));
        assertEquals("{\"c\":1.5}", new String(Json.bytesWithoutNulls(json), java.nio.charset.StandardCharsets.UTF_8));
    }
}
