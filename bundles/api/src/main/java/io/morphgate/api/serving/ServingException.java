package io.morphgate.api.serving;

/** A request that was refused or failed, with a code a device can act on (the MQTT error code; HTTP maps it). */
public class ServingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why a request was refused or failed. */
    public enum Code {
        /** The media type (HTTP Content-Type, MQTT topic format) is not one the gateway decodes. */
        UNSUPPORTED_MEDIA_TYPE,
        /** The body is not well-formed (e.g. not JSON, or JSON without a {@code tensor}). */
        MALFORMED_REQUEST,
        /** A tensor element is not a number (e.g. a string or a boolean). */
        WRONG_TYPE,
        /** The tensor does not have the model's input shape. */
        WRONG_SHAPE,
        /** The tensor contains NaN or infinite values. */
        INVALID_VALUE,
        /** The image cannot be decoded as the format it claims. */
        CORRUPT_IMAGE,
        /** The image has more pixels than the gateway decodes. */
        IMAGE_TOO_LARGE,
        /** The body is larger than the gateway accepts. */
        PAYLOAD_TOO_LARGE,
        /** The request queue is full: try again later. */
        OVERLOADED,
        /** No model is serving yet, or the service is stopping. */
        NOT_READY,
        /** The request was not answered in time. */
        TIMEOUT,
        /** The runtime failed; the message says how. */
        RUNTIME_FAILURE
    }

    private final Code code;

    public ServingException(Code code, String message) {
        super(message);
        this.code = code;
    }

    public ServingException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public Code code() {
        return code;
    }

    /** The message without the code, for a reply that carries the code separately. */
    public String reason() {
        return super.getMessage();
    }

    @Override
    public String getMessage() {
        return code + ": " + super.getMessage();
    }
}
