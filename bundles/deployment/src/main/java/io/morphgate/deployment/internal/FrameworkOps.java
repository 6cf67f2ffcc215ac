package io.morphgate.deployment.internal;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.wiring.FrameworkWiring;

import io.morphgate.api.deployment.DeploymentException;
import io.morphgate.api.deployment.DeploymentException.Code;

/** The framework calls a job makes, each failure turned into a code a person can act on. */
final class FrameworkOps {

    private static final System.Logger LOG = System.getLogger(FrameworkOps.class.getName());

    private final BundleContext context;

    FrameworkOps(BundleContext context) {
        this.context = context;
    }

    Optional<Bundle> bySymbolicName(String symbolicName) {
        return Arrays.stream(context.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName())).findFirst();
    }

    Optional<Bundle> byLocation(String location) {
        return Optional.ofNullable(context.getBundle(location));
    }

    Bundle install(String location, Path jar) throws DeploymentException {
        try (InputStream in = Files.newInputStream(jar)) {
            return context.installBundle(location, in);
        } catch (BundleException e) {
            throw new DeploymentException(Code.NOT_A_BUNDLE, "the framework refused to install " + jar.getFileName()
                    + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new DeploymentException(Code.INTERNAL, "cannot read " + jar + ": " + e, e);
        }
    }

    /** Starts persistently; RESOLVE_FAILED when a requirement is missing, START_FAILED when the activator fails. */
    void start(Bundle bundle) throws DeploymentException {
        try {
            bundle.start();
        } catch (BundleException e) {
            boolean unresolved = e.getType() == BundleException.RESOLVE_ERROR || bundle.getState() == Bundle.INSTALLED;
            throw new DeploymentException(unresolved ? Code.RESOLVE_FAILED : Code.START_FAILED, bundle.getSymbolicName()
                    + (unresolved ? " does not resolve: " : " failed to start: ") + e.getMessage(), e);
        } catch (IllegalStateException e) {
            throw new DeploymentException(Code.START_FAILED, bundle.getSymbolicName() + " went away while starting", e);
        }
    }

    void stop(Bundle bundle) throws DeploymentException {
        try {
            bundle.stop();
        } catch (BundleException | IllegalStateException e) {
            throw new DeploymentException(Code.INTERNAL, "stopping " + bundle.getSymbolicName() + " failed: "
                    + e.getMessage(), e);
        }
    }

    void update(Bundle bundle, Path jar) throws DeploymentException {
        try (InputStream in = Files.newInputStream(jar)) {
            bundle.update(in);
        } catch (BundleException e) {
            throw new DeploymentException(e.getType() == BundleException.RESOLVE_ERROR ? Code.RESOLVE_FAILED
                    : Code.START_FAILED, "updating " + bundle.getSymbolicName() + " failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new DeploymentException(Code.INTERNAL, "cannot read " + jar + ": " + e, e);
        }
    }

    /** Uninstalls and refreshes; a failure is logged, not thrown: this is what rollback relies on. */
    boolean uninstallQuietly(Bundle bundle) {
        try {
            if (bundle.getState() != Bundle.UNINSTALLED) {
                bundle.uninstall();
            }
            refresh(List.of(bundle));
            return true;
        } catch (BundleException | IllegalStateException e) {
            LOG.log(Level.ERROR, "uninstalling {0} failed: {1}", bundle.getSymbolicName(), e.toString());
            return false;
        }
    }

    /**
     * Drops old revisions of {@code bundles} (after an update or uninstall), unless that would also refresh a
     * protected bundle: then the old revision stays until the next restart.
     */
    void refresh(Collection<Bundle> bundles) {
        FrameworkWiring wiring = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class);
        Collection<Bundle> closure = wiring.getDependencyClosure(bundles);
        Optional<Bundle> guarded = closure.stream().filter(ProtectedBundles::isProtected).findFirst();
        if (guarded.isPresent()) {
            LOG.log(Level.WARNING, "not refreshing {0}: it would refresh protected {1}", bundles,
                    guarded.get().getSymbolicName());
            return;
        }
        CountDownLatch done = new CountDownLatch(1);
        wiring.refreshBundles(bundles, event -> done.countDown());
        try {
            if (!done.await(30, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "refresh of {0} still running after 30 s", bundles);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String name(Bundle bundle) {
        return bundle.getSymbolicName() + " " + bundle.getVersion();
    }
}
