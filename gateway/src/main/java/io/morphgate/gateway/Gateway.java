package io.morphgate.gateway;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.felix.framework.Felix;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

import io.morphgate.model.ModelBundleFormat;
import io.morphgate.wire.BundleStates;

/**
 * One embedded Felix: start, provision, configure, stop. Configuration Admin gets the defaults the moment it
 * registers (on the thread that starts it, before the bundles after it start), so components activate once, with
 * their configuration, instead of activating on defaults and being modified right after.
 */
final class Gateway {

    private static final Logger LOG = System.getLogger(Gateway.class.getName());

    private final Felix framework;
    private final AtomicReference<Exception> configFailure = new AtomicReference<>();
    private volatile boolean configApplied;
    private volatile boolean stopRequested;

    Gateway(Map<String, String> frameworkProperties) {
        Map<String, Object> props = new HashMap<>(frameworkProperties);
        props.put("felix.log.logger", new FelixLogBridge());
        this.framework = new Felix(props);
    }

    BundleContext context() {
        return framework.getBundleContext();
    }

    /** The interface the backbone registers the serving model's slot catalog under (checked in GatewayTest). */
    static final String SLOT_CATALOG = "io.morphgate.api.slot.SlotCatalog";

    /**
     * Whether a model is to serve: a model file named on the command line ({@code localModel}), or a model bundle
     * installed (one with the {@value ModelBundleFormat#HEADER} header).
     */
    boolean expectsModel(boolean localModel) {
        return localModel || Arrays.stream(context().getBundles())
                .anyMatch(b -> b.getHeaders().get(ModelBundleFormat.HEADER) != null);
    }

    /**
     * Waits until a model serves (the backbone registers the serving model's slot catalog with its id), at most
     * {@code timeout}; the model's id, or null when none serves by then.
     */
    String awaitServingModel(Duration timeout) throws InterruptedException {
        String filter = "(&(" + org.osgi.framework.Constants.OBJECTCLASS + "=" + SLOT_CATALOG + ")("
                + io.morphgate.api.slot.SlotCatalog.MODEL_ID + "=*))";
        ServiceTracker<Object, Object> tracker;
        try {
            tracker = new ServiceTracker<>(context(), context().createFilter(filter), null);
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(filter, e);
        }
        tracker.open(true);
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                ServiceReference<Object> ref = tracker.getServiceReference();
                if (ref != null) {
                    return String.valueOf(ref.getProperty(io.morphgate.api.slot.SlotCatalog.MODEL_ID));
                }
                Thread.sleep(50);
            }
            return null;
        } finally {
            tracker.close();
        }
    }

    /**
     * Starts the framework (bundles installed on earlier runs start by their persisted state), then provisions the
     * features and checks that every bundle is active.
     */
    List<Bundle> start(List<FeatureDescriptor> features, BundleRepository repository, ConfigurationApplier defaults)
            throws BundleException, ProvisioningException {
        framework.init();
        ServiceTracker<ConfigurationAdmin, ConfigurationAdmin> tracker = trackConfigurationAdmin(defaults);
        try {
            framework.start();
            List<Bundle> provisioned = new Provisioner(context(), repository).provision(features);
            if (configFailure.get() != null) {
                throw new ProvisioningException("configuration", configFailure.get().getMessage(), configFailure.get());
            }
            if (!configApplied) {
                throw new ProvisioningException("configuration",
                        "no Configuration Admin service registered: is org.apache.felix.configadmin in the features?");
            }
            return checkActive(provisioned);
        } finally {
            tracker.close();
        }
    }

    private ServiceTracker<ConfigurationAdmin, ConfigurationAdmin> trackConfigurationAdmin(ConfigurationApplier defaults) {
        ServiceTracker<ConfigurationAdmin, ConfigurationAdmin> tracker =
                new ServiceTracker<>(context(), ConfigurationAdmin.class, null) {
                    @Override
                    public ConfigurationAdmin addingService(ServiceReference<ConfigurationAdmin> ref) {
                        ConfigurationAdmin admin = super.addingService(ref);
                        try {
                            int n = defaults.apply(admin);
                            configApplied = true;
                            LOG.log(Level.INFO, "configuration: {0} default(s) applied", n);
                        } catch (Exception | LinkageError e) {
                            configFailure.compareAndSet(null, new Exception("applying configuration failed: " + e, e));
                        }
                        return admin;
                    }
                };
        tracker.open();
        return tracker;
    }

    /**
     * Logs every bundle with its state; the features' bundles must be active. Bundles installed later (remotely)
     * keep whatever state they were left in: they are reported, not enforced.
     */
    private List<Bundle> checkActive(List<Bundle> provisioned) throws ProvisioningException {
        List<Bundle> bundles = Arrays.stream(context().getBundles()).filter(b -> b.getBundleId() != 0).toList();
        for (Bundle b : bundles) {
            LOG.log(Level.INFO, "bundle " + b.getSymbolicName() + " " + b.getVersion() + " [" + b.getBundleId() + "]: "
                    + BundleStates.name(b.getState()));
        }
        for (Bundle b : provisioned) {
            if (b.getState() != Bundle.ACTIVE && !Provisioner.isFragment(b)) {
                throw new ProvisioningException(Provisioner.name(b), "not active but " + BundleStates.name(b.getState()));
            }
        }
        return bundles.stream().filter(b -> b.getState() == Bundle.ACTIVE).toList();
    }

    /** True once stop() was called: a start failing after that is the stop, not a fault. */
    boolean stopRequested() {
        return stopRequested;
    }

    /** Blocks until the framework stops (SIGTERM, or a bundle stopping the system bundle). */
    void awaitStop() throws InterruptedException {
        framework.waitForStop(0);
    }

    /** Stops the framework and waits for it; true when it stopped within the timeout. */
    boolean stop(Duration timeout) {
        stopRequested = true;
        try {
            if (framework.getState() == Bundle.ACTIVE || framework.getState() == Bundle.STARTING) {
                LOG.log(Level.INFO, "stopping the gateway");
                framework.stop();
            }
            FrameworkEvent event = framework.waitForStop(timeout.toMillis());
            if (event.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                LOG.log(Level.WARNING, "framework did not stop within {0} s", timeout.toSeconds());
                return false;
            }
            return true;
        } catch (BundleException | InterruptedException e) {
            LOG.log(Level.WARNING, "stopping the framework failed: " + e.getMessage());
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
    }
}
