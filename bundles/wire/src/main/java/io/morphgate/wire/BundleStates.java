package io.morphgate.wire;

import org.osgi.framework.Bundle;

/** OSGi bundle states by name, as the MQTT {@code bundles} reply, status.json and the launcher's log spell them. */
public final class BundleStates {

    private BundleStates() {
    }

    /** {@code INSTALLED}, {@code RESOLVED}, ..., or {@code UNKNOWN(<state>)} for a value the OSGi spec does not define. */
    public static String name(int state) {
        return switch (state) {
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> "UNKNOWN(" + state + ")";
        };
    }
}
