package io.morphgate.onnx;

/**
 * A graph is malformed, unsupported or cannot be read. The message names what is wrong and where (node name and
 * operator type, tensor or initializer name), because it ends up in a gateway log or a reply to the cloud.
 */
public class GraphException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GraphException(String message) {
        super(message);
    }

    public GraphException(String message, Throwable cause) {
        super(message, cause);
    }
}
