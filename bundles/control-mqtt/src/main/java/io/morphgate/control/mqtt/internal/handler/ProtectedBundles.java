package io.morphgate.control.mqtt.internal.handler;

import java.util.Set;

import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;

/**
 * Bundles no remote command may stop, update or uninstall: the framework, the core runtime, the backbone, this
 * bundle and the deployer, and any bundle whose manifest says {@code Morphgate-Protected: true} (ONNX Runtime). The
 * deployer enforces the same rule; checking here too refuses such a command even when no deployer is installed, and
 * lets {@code bundles} show which bundles are protected.
 */
public final class ProtectedBundles {

    static final String HEADER = "Morphgate-Protected";
    static final Set<String> SYMBOLIC_NAMES = Set.of(Constants.SYSTEM_BUNDLE_SYMBOLICNAME, "org.apache.felix.framework",
            "org.apache.felix.scr", "org.apache.felix.configadmin", "io.morphgate.api", "io.morphgate.onnx",
            "io.morphgate.onnxruntime", "io.morphgate.backbone", "io.morphgate.control.mqtt", "io.morphgate.deployment");

    private ProtectedBundles() {
    }

    public static boolean isProtected(Bundle bundle) {
        Object header = bundle.getHeaders("").get(HEADER);
        return bundle.getBundleId() == Constants.SYSTEM_BUNDLE_ID || SYMBOLIC_NAMES.contains(bundle.getSymbolicName())
                || (header != null && "true".equalsIgnoreCase(header.toString().trim()));
    }
}
