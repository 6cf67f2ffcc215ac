package io.morphgate.inference.mqtt.internal;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code morphgate/v1/<gatewayId>/infer/request/<format>/<requestId>}: the format names the media type (MQTT 3.1.1
 * has no content type), the request id correlates the reply on {@code .../infer/reply/<requestId>}.
 *
 * @param format    the topic's format level, as sent
 * @param requestId the topic's request id level
 */
record RequestTopic(String format, String requestId) {

    static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    /** Format level to media type. */
    static final Map<String, String> MEDIA_TYPES = Map.of("json", "application/json", "f32", "application/octet-stream",
            "png", "image/png", "jpeg", "image/jpeg");

    /** Parses a topic under {@code namespace + "infer/request/"}; empty when it does not have the two levels. */
    static Optional<RequestTopic> parse(String namespace, String topic) {
        String prefix = namespace + "infer/request/";
        if (!topic.startsWith(prefix)) {
            return Optional.empty();
        }
        String[] levels = topic.substring(prefix.length()).split("/", -1);
        return levels.length == 2 ? Optional.of(new RequestTopic(levels[0], levels[1])) : Optional.empty();
    }

    /** The media type the format names; empty for an unknown format. */
    Optional<String> mediaType() {
        return Optional.ofNullable(MEDIA_TYPES.get(format));
    }

    boolean hasValidRequestId() {
        return REQUEST_ID.matcher(requestId).matches();
    }
}
