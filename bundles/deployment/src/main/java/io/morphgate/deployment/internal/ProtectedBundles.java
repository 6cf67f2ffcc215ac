package io.morphgate.deployment.internal;

import java.util.Set;

import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;

import io.morphgate.api.deployment.DeploymentException;
import io.morphgate.api.deployment.DeploymentException.Code;

/**
 * Bundles a remote job must never stop, update or uninstall: the framework, the core runtime, the backbone, the
 * control and deployment bundles, and any bundle that says so in its manifest (ONNX Runtime: natives bind to one
 * class loader per JVM).
 */
final class ProtectedBundles {

    static final String PROTECTED_HEADER = "Morphgate-Protected";

    static final Set<String> SYMBOLIC_NAMES = Set.of("org.apache.felix.scr", "org.apache.felix.configadmin",
            "io.morphgate.api", "io.morphgate.onnx", "io.morphgate.onnxruntime", "io.morphgate.backbone",
            "io.morphgate.control.mqtt", "io.morphgate.deployment");

    private ProtectedBundles() {
    }

    static boolean isProtected(Bundle bundle) {
        return bundle.getBundleId() == Constants.SYSTEM_BUNDLE_ID
                || SYMBOLIC_NAMES.contains(bundle.getSymbolicName())
                || "true".equalsIgnoreCase(String.valueOf(bundle.getHeaders("").get(PROTECTED_HEADER)).trim());
    }

    static boolean isProtectedName(String symbolicName) {
        return SYMBOLIC_NAMES.contains(symbolicName) || Constants.SYSTEM_BUNDLE_SYMBOLICNAME.equals(symbolicName)
                || "org.apache.felix.framework".equals(symbolicName);
    }

    /** Throws PROTECTED_BUNDLE when {@code bundle} must not be acted on by {@code action}. */
    static void check(Bundle bundle, String action) throws DeploymentException {
        if (isProtected(bundle)) {
            throw new DeploymentException(Code.PROTECTED_BUNDLE, "refused to " + action + " " + bundle.getSymbolicName()
                    + " (bundle " + bundle.getBundleId() + "): it is protected; the gateway needs it to run");
        }
    }

    /** Throws PROTECTED_BUNDLE when a jar would install or replace a protected bundle. */
    static void checkName(String symbolicName) throws DeploymentException {
        if (isProtectedName(symbolicName)) {
            throw new DeploymentException(Code.PROTECTED_BUNDLE, "refused to install a jar named " + symbolicName
                    + ": that bundle is protected and is only changed with the gateway's distribution");
        }
    }
}
