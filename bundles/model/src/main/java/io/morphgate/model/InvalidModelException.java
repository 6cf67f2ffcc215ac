package io.morphgate.model;

/** A model bundle, descriptor or ONNX file that the gateway cannot serve; the message says what is wrong. */
public class InvalidModelException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidModelException(String message) {
        super(message);
    }

    public InvalidModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
