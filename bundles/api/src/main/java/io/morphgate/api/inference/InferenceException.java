package io.morphgate.api.inference;

/** A request that could not be served, with a code a caller can act on. */
public class InferenceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why a request failed. */
    public enum Code {
        /** The input does not have the model's input shape. */
        WRONG_SHAPE,
        /** The input contains NaN or infinite values. */
        INVALID_VALUE,
        /** No composed model is serving yet, or the service is shutting down. */
        NOT_READY,
        /** The request was refused because too many are waiting. */
        OVERLOADED,
        /** The runtime failed; the message says how. */
        RUNTIME_FAILURE
    }

    private final Code code;

    public InferenceException(Code code, String message) {
        super(message);
        this.code = code;
    }

    public InferenceException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public Code code() {
        return code;
    }

    @Override
    public String getMessage() {
        return code + ": " + super.getMessage();
    }
}
