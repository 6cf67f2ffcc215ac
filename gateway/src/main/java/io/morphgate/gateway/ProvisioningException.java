package io.morphgate.gateway;

/** A bundle could not be located, installed, resolved or started: says which one and why. */
final class ProvisioningException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String bundle;
    private final String reason;

    ProvisioningException(String bundle, String reason) {
        this(bundle, reason, null);
    }

    ProvisioningException(String bundle, String reason, Throwable cause) {
        super(bundle + ": " + reason, cause);
        this.bundle = bundle;
        this.reason = reason;
    }

    String bundle() {
        return bundle;
    }

    String reason() {
        return reason;
    }
}
