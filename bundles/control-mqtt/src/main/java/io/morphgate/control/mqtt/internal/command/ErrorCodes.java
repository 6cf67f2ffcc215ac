package io.morphgate.control.mqtt.internal.command;

/**
 * The codes the control link itself answers with. Deployment jobs add the names of
 * {@code DeploymentException.Code}. Each is documented, with what the cloud should do, in docs/protocol.md.
 */
public final class ErrorCodes {

    public static final String MALFORMED_JSON = "MALFORMED_JSON";
    public static final String INVALID_ARGUMENT = "INVALID_ARGUMENT";
    public static final String UNKNOWN_VERB = "UNKNOWN_VERB";
    public static final String PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE";
    /** Too many commands are waiting for the executor. */
    public static final String BUSY = "BUSY";
    /** A service the verb needs (the deployer, Configuration Admin) is not there. */
    public static final String UNAVAILABLE = "UNAVAILABLE";
    /** The command did not finish within the configured time (e.g. a pin whose swap never came). */
    public static final String TIMEOUT = "TIMEOUT";
    public static final String PROTECTED_BUNDLE = "PROTECTED_BUNDLE";
    /** The model asked for failed its check (it does not load or its outputs are not finite); the old one serves. */
    public static final String MODEL_REFUSED = "MODEL_REFUSED";
    public static final String INTERNAL = "INTERNAL";

    private ErrorCodes() {
    }
}
