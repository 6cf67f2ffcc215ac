package io.morphgate.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Installs every bundle of the features, resolves them together, then starts them: all or nothing. On any failure
 * the bundles installed by this call are uninstalled again and the failure names the bundle and the reason.
 * A bundle already installed under the same location (an earlier start) is kept as it is.
 */
final class Provisioner {

    private static final Logger LOG = System.getLogger(Provisioner.class.getName());

    private final BundleContext context;
    private final BundleRepository repository;

    Provisioner(BundleContext context, BundleRepository repository) {
        this.context = context;
        this.repository = repository;
    }

    List<Bundle> provision(List<FeatureDescriptor> features) throws ProvisioningException {
        Map<BundleId, Path> jars = locateAll(features);
        List<Bundle> installedNow = new ArrayList<>();
        try {
            List<Bundle> bundles = installAll(jars, installedNow);
            resolveAll(bundles);
            startAll(bundles);
            return bundles;
        } catch (ProvisioningException e) {
            rollback(installedNow);
            throw e;
        }
    }

    /** Every jar is found before the framework is touched. */
    private Map<BundleId, Path> locateAll(List<FeatureDescriptor> features) throws ProvisioningException {
        Set<BundleId> ids = new LinkedHashSet<>();
        features.forEach(f -> ids.addAll(f.bundles()));
        Map<BundleId, Path> jars = new LinkedHashMap<>();
        for (BundleId id : ids) {
            jars.put(id, repository.locate(id));
        }
        return jars;
    }

    private List<Bundle> installAll(Map<BundleId, Path> jars, List<Bundle> installedNow) throws ProvisioningException {
        List<Bundle> bundles = new ArrayList<>();
        for (Map.Entry<BundleId, Path> e : jars.entrySet()) {
            String location = e.getKey().location();
            Bundle existing = context.getBundle(location);
            if (existing != null) {
                bundles.add(existing);
                continue;
            }
            try (InputStream in = Files.newInputStream(e.getValue())) {
                Bundle b = context.installBundle(location, in);
                installedNow.add(b);
                bundles.add(b);
                LOG.log(Level.DEBUG, "installed {0} from {1}", e.getKey(), e.getValue());
            } catch (BundleException | IOException | RuntimeException ex) {
                throw new ProvisioningException(e.getKey().toString(), "install failed: " + ex.getMessage(), ex);
            }
        }
        return bundles;
    }

    private void resolveAll(List<Bundle> bundles) throws ProvisioningException {
        if (context.getBundle(0).adapt(FrameworkWiring.class).resolveBundles(bundles)) {
            return;
        }
        // the first failure is thrown (and logged by the caller), any further ones are logged here
        ProvisioningException first = null;
        for (Bundle b : bundles) {
            if (b.getState() == Bundle.INSTALLED) {
                ProvisioningException failure = new ProvisioningException(name(b), "does not resolve: " + resolutionFailure(b));
                if (first == null) {
                    first = failure;
                } else {
                    LOG.log(Level.ERROR, "also " + failure.getMessage());
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** The framework explains a resolution failure only when asked to start; transient, so nothing persists. */
    private static String resolutionFailure(Bundle b) {
        if (isFragment(b)) {
            return "fragment without a matching host";
        }
        try {
            b.start(Bundle.START_TRANSIENT);
            b.stop(Bundle.STOP_TRANSIENT);
            return "unknown (it resolves when started alone)";
        } catch (BundleException e) {
            return e.getMessage();
        }
    }

    private static void startAll(List<Bundle> bundles) throws ProvisioningException {
        for (Bundle b : bundles) {
            if (isFragment(b)) {
                continue;
            }
            try {
                b.start();
            } catch (BundleException | RuntimeException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                throw new ProvisioningException(name(b), "start failed: " + e.getMessage()
                        + (cause != e ? " (" + cause + ")" : ""), e);
            }
        }
    }

    private static void rollback(List<Bundle> installedNow) {
        for (int i = installedNow.size() - 1; i >= 0; i--) {
            Bundle b = installedNow.get(i);
            try {
                b.uninstall();
                LOG.log(Level.INFO, "rolled back: uninstalled {0}", name(b));
            } catch (BundleException | RuntimeException e) {
                LOG.log(Level.WARNING, "rollback: could not uninstall " + name(b) + ": " + e.getMessage());
            }
        }
    }

    static boolean isFragment(Bundle b) {
        BundleRevision revision = b.adapt(BundleRevision.class);
        return revision != null && (revision.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
    }

    static String name(Bundle b) {
        return b.getSymbolicName() + " " + b.getVersion() + " [" + b.getBundleId() + "] (" + b.getLocation() + ")";
    }
}
