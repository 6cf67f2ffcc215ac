package io.morphgate.fleet.controller;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.morphgate.console.Topics;
import io.morphgate.fleet.mqtt.MqttSession;

/**
 * Commands from the controller to gateways, correlated to their replies by request id: the controller subscribes
 * once to {@code morphgate/v1/+/reply/+} and completes the matching pending command. The caller chooses the request
 * id, so a retry (or a controller that restarted mid-rollout) sends the same id and the gateway answers it once.
 */
public final class CommandChannel {

    /** Every gateway's replies. */
    public static final String REPLIES = Topics.reply("+", "+");

    private final MqttSession session;
    private final Map<String, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();

    public CommandChannel(MqttSession session) {
        this.session = session;
    }

    /**
     * Publishes {@code {"requestId": requestId, ...body}} on {@code cmd/<verb>} (QoS 1); the future completes with the
     * reply, or exceptionally (a TimeoutException) after {@code timeoutMillis}.
     */
    public CompletableFuture<JsonObject> send(String gateway, String verb, String requestId, JsonObject body,
            long timeoutMillis) {
        CompletableFuture<JsonObject> reply = pending.computeIfAbsent(requestId, id -> new CompletableFuture<>());
        JsonObject payload = new JsonObject();
        payload.addProperty("requestId", requestId);
        body.entrySet().forEach(e -> payload.add(e.getKey(), e.getValue()));
        session.publishConfirmed(Topics.command(gateway, verb), payload.toString(), false)
                .exceptionally(e -> null); // not confirmed: the timeout decides, and the same id may be sent again
        return reply.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .whenComplete((r, e) -> pending.remove(requestId, reply));
    }

    /**
     * Called for each message on {@link #REPLIES}; true when a command of this channel waited for it (replies to
     * commands of others, or answered after their timeout, are the caller's to use or ignore).
     */
    public boolean onReply(String topic, String payload) {
        String requestId = topic.substring(topic.lastIndexOf('/') + 1);
        CompletableFuture<JsonObject> waiting = pending.get(requestId);
        if (waiting != null) {
            return waiting.complete(JsonParser.parseString(payload).getAsJsonObject());
        }
        return false;
    }
}
