package io.morphgate.fleet.controller;

import java.time.Instant;
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
 *
 * <p>A command still unanswered when its gateway connects again after it was sent ({@link #resend}) is published
 * again with the same request id: the gateway may have run it and lost the link before its reply got out (its
 * broker node died), and a repeat is answered from its reply store without running again.
 */
public final class CommandChannel {

    /** Every gateway's replies. */
    public static final String REPLIES = Topics.reply("+", "+");

    private final MqttSession session;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    /** A command out and unanswered: what it was, to publish it again. */
    private record Pending(String gateway, String topic, String payload, Instant sentAt,
            CompletableFuture<JsonObject> reply) {
    }

    public CommandChannel(MqttSession session) {
        this.session = session;
    }

    /**
     * Publishes {@code {"requestId": requestId, ...body}} on {@code cmd/<verb>} (QoS 1); the future completes with the
     * reply, or exceptionally (a TimeoutException) after {@code timeoutMillis}.
     */
    public CompletableFuture<JsonObject> send(String gateway, String verb, String requestId, JsonObject body,
            long timeoutMillis) {
        JsonObject payload = new JsonObject();
        payload.addProperty("requestId", requestId);
        body.entrySet().forEach(e -> payload.add(e.getKey(), e.getValue()));
        Pending command = pending.computeIfAbsent(requestId, id -> new Pending(gateway, Topics.command(gateway, verb),
                payload.toString(), Instant.now(), new CompletableFuture<>()));
        publish(command);
        CompletableFuture<JsonObject> reply = command.reply();
        return reply.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .whenComplete((r, e) -> pending.remove(requestId, command));
    }

    /**
     * Publishes again, each with its own request id, every command still waiting for a reply from {@code gateway}
     * that was sent before {@code connectedAt} (the {@code since} of its {@code online} state): the gateway connected
     * again since, and may have lost the command's reply with its old link. A retained {@code online} from before the
     * command (heard again when the controller subscribes) sends nothing. Returns how many.
     */
    public int resend(String gateway, Instant connectedAt) {
        int n = 0;
        for (Pending command : pending.values()) {
            if (command.gateway().equals(gateway) && command.sentAt().isBefore(connectedAt)
                    && !command.reply().isDone()) {
                publish(command);
                n++;
            }
        }
        return n;
    }

    private void publish(Pending command) {
        session.publishConfirmed(command.topic(), command.payload(), false)
                .exceptionally(e -> null); // not confirmed: the timeout decides, and the same id may be sent again
    }

    /**
     * Called for each message on {@link #REPLIES}; true when a command of this channel waited for it (replies to
     * commands of others, or answered after their timeout, are the caller's to use or ignore).
     */
    public boolean onReply(String topic, String payload) {
        String requestId = topic.substring(topic.lastIndexOf('/') + 1);
        Pending waiting = pending.get(requestId);
        if (waiting != null) {
            return waiting.reply().complete(JsonParser.parseString(payload).getAsJsonObject());
        }
        return false;
    }
}
