package io.morphgate.inference.mqtt.internal;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import com.google.gson.JsonObject;

import io.morphgate.api.serving.PredictionService;
import io.morphgate.api.serving.ServingException;
import io.morphgate.api.serving.ServingException.Code;
import io.morphgate.inference.mqtt.internal.RecentReplies.Claim;
import io.morphgate.serving.wire.PredictionJson;

/**
 * One inference request from its topic and payload to its reply, whatever carries them: the request id is checked,
 * a repeated one is answered from {@link RecentReplies} (the model runs once per id), a new one is decoded (on the
 * caller's thread, bounded by the serving limits) and queued; its reply is handed to the {@link Publisher} when the
 * prediction completes. Replies carry the request id; errors carry the serving error code.
 */
final class InferenceRequests {

    /** Sends a reply on a topic; must not block. */
    interface Publisher {
        void publish(String topic, byte[] payload);
    }

    /** Refusals that say "not now" rather than "not this": a retry with the same id runs again. */
    static final Set<Code> TRANSIENT = EnumSet.of(Code.OVERLOADED, Code.NOT_READY, Code.TIMEOUT,
            Code.RUNTIME_FAILURE);
    private static final System.Logger LOG = System.getLogger(InferenceRequests.class.getName());

    private final String namespace;
    private final PredictionService predictions;
    private final int topClasses;
    private final RecentReplies replies;
    private final Publisher publisher;

    InferenceRequests(String namespace, PredictionService predictions, int topClasses, RecentReplies replies,
            Publisher publisher) {
        this.namespace = namespace;
        this.predictions = predictions;
        this.topClasses = topClasses;
        this.replies = replies;
        this.publisher = publisher;
    }

    /** The topic filter of the requests. */
    String subscription() {
        return namespace + "infer/request/+/+";
    }

    void arrived(String topic, byte[] payload) {
        long arrived = System.nanoTime();
        Optional<RequestTopic> parsed = RequestTopic.parse(namespace, topic);
        if (parsed.isEmpty() || !parsed.get().hasValidRequestId()) {
            LOG.log(System.Logger.Level.WARNING, "ignored an inference request on {0}: the request id must be 1-128 of "
                    + "A-Z a-z 0-9 . _ : - (no reply can be addressed)", topic);
            return;
        }
        RequestTopic request = parsed.get();
        Claim claim = replies.claim(request.requestId());
        switch (claim.verdict()) {
            case REPLAY -> {
                LOG.log(System.Logger.Level.DEBUG, "inference request {0} repeated: its reply sent again",
                        request.requestId());
                publisher.publish(replyTopic(request), claim.reply().orElseThrow());
            }
            case RUNNING -> LOG.log(System.Logger.Level.DEBUG, "inference request {0} repeated while it runs: its "
                    + "reply answers both", request.requestId());
            case RUN -> run(request, payload, arrived);
        }
    }

    private void run(RequestTopic request, byte[] payload, long arrived) {
        try {
            String mediaType = request.mediaType().orElseThrow(() -> new ServingException(Code.UNSUPPORTED_MEDIA_TYPE,
                    "format '" + request.format() + "' is not served: use json, f32, png or jpeg"));
            predictions.predict(mediaType, payload, topClasses).whenComplete((p, failure) -> {
                if (failure == null) {
                    reply(request, PredictionJson.prediction(p, (System.nanoTime() - arrived) / 1e6), true);
                } else {
                    refuse(request, PredictionJson.cause(failure));
                }
            });
        } catch (ServingException e) {
            refuse(request, e);
        } catch (RuntimeException e) {
            refuse(request, PredictionJson.cause(e));
        }
    }

    private void refuse(RequestTopic request, ServingException e) {
        reply(request, PredictionJson.error(e), !TRANSIENT.contains(e.code()));
    }

    private void reply(RequestTopic request, JsonObject reply, boolean keep) {
        JsonObject json = new JsonObject();
        json.addProperty("requestId", request.requestId());
        reply.entrySet().forEach(e -> json.add(e.getKey(), e.getValue()));
        byte[] payload = json.toString().getBytes(StandardCharsets.UTF_8);
        replies.answered(request.requestId(), payload, keep);
        publisher.publish(replyTopic(request), payload);
    }

    private String replyTopic(RequestTopic request) {
        return namespace + "infer/reply/" + request.requestId();
    }
}
