package io.morphgate.api.deployment;

/** A deployment request refused or failed, with a code the cloud can act on. */
public class DeploymentException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why. Every code is documented in docs/protocol.md. */
    public enum Code {
        INVALID_ARGUMENT, BUSY, PROTECTED_BUNDLE, NO_SUCH_BUNDLE, NO_SUCH_FEATURE, PAYLOAD_TOO_LARGE,
        DOWNLOAD_FAILED, HASH_MISMATCH, SIGNATURE_MISSING, SIGNATURE_INVALID, UNTRUSTED_KEY, NOT_A_BUNDLE,
        RESOLVE_FAILED, START_FAILED, HEALTH_CHECK_FAILED,
        /**
         * A restart (of the gateway or the deployer) cut the job off; it was rolled back at the next start. Nothing is
         * wrong with the request: it can be sent again with a new request id.
         *
         * @since 2.1
         */
        INTERRUPTED,
        /**
         * The artifact's URL names a source this gateway does not read: a {@code file:} path outside its data
         * directory and the directories configured in {@code allowedFileDirectories}. Refused before a byte is read.
         *
         * @since 2.2
         */
        SOURCE_NOT_ALLOWED,
        INTERNAL
    }

    private final Code code;

    public DeploymentException(Code code, String message) {
        super(message);
        this.code = code;
    }

    public DeploymentException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}
