package io.morphgate.itests;

import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import javax.inject.Inject;

import org.junit.After;
import org.ops4j.pax.exam.CoreOptions;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.TestProbeBuilder;
import org.ops4j.pax.exam.ProbeBuilder;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Base of the Pax Exam tests: a real Felix provisioned from the feature descriptors the launcher uses.
 * The static {@code gatewayOptions} run on the driver side (in {@code @Configuration});
 * the instance helpers run inside the framework, in the probe. The native container runs the framework in the
 * test JVM, so the JVM settings and system properties failsafe sets (argLine, systemPropertyVariables) hold there too.
 */
public abstract class TestSupport {

    /** Framework property listing the locations TestSupport provisioned, so tests can check each bundle. */
    static final String PROVISIONED = "morphgate.itests.provisioned";

    @Inject
    protected BundleContext context;

    private final List<ServiceTracker<?, ?>> trackers = new ArrayList<>();

    /** The feature of the built-in model bundle. */
    public static final String FASHION_MNIST = "morphgate-model-fashion-mnist";
    /** Pass it among the feature names for a gateway with the core but no model installed. */
    public static final String NO_MODEL = "no-model";
    /** Framework property set for a gateway started with {@link #NO_MODEL}. */
    static final String NO_MODEL_PROPERTY = "morphgate.itests.no-model";

    /**
     * Felix in a fresh storage dir, the bundles of the named features in order, and the JUnit bundles. With
     * {@code morphgate-core}, the Fashion-MNIST model bundle comes right after it (as in the default feature list)
     * unless {@link #NO_MODEL} is named.
     */
    public static Option[] gatewayOptions(String... featureNames) {
        List<String> features = new ArrayList<>(List.of(featureNames));
        boolean noModel = features.remove(NO_MODEL);
        if (!noModel && features.contains("morphgate-core") && !features.contains(FASHION_MNIST)) {
            features.add(features.indexOf("morphgate-core") + 1, FASHION_MNIST);
        }
        List<Option> options = new ArrayList<>(Arrays.asList(gatewayOptions(
                features.stream().flatMap(f -> featureBundles(f).stream()).distinct().toList())));
        options.add(frameworkProperty(NO_MODEL_PROPERTY).value(String.valueOf(noModel)));
        return options.toArray(Option[]::new);
    }

    /** As {@link #gatewayOptions(String...)}, for an explicit list of bundle ids (groupId:artifactId:version). */
    public static Option[] gatewayOptions(List<String> bundleIds) {
        List<Option> options = new ArrayList<>();
        Path storage = Path.of(System.getProperty("morphgate.itests.target", "target"), "felix", UUID.randomUUID().toString());
        options.add(frameworkProperty(Constants.FRAMEWORK_STORAGE).value(storage.toString()));
        options.add(frameworkProperty(Constants.FRAMEWORK_STORAGE_CLEAN).value(Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT));
        List<String> locations = new ArrayList<>();
        for (String id : bundleIds) {
            Path jar = TestBundles.require(id);
            String location = jar.toUri().toString();
            locations.add(location);
            options.add(CoreOptions.bundle(location).start(!isFragment(jar)));
        }
        options.add(frameworkProperty(PROVISIONED).value(String.join(",", locations)));
        options.add(junitBundles());
        return options.toArray(Option[]::new);
    }

    /** The bundle ids (groupId:artifactId:version) feature {@code featureName} lists, in order. Driver side. */
    public static List<String> featureBundles(String featureName) {
        return FeatureDescriptors.bundleIds(featureName);
    }

    /** Whether bundle {@code id} can be provisioned (it is a resolved test dependency). Driver side. */
    public static boolean available(String bundleId) {
        return TestBundles.jar(bundleId).isPresent();
    }

    /** The probe imports whatever the tests use from the provisioned bundles. */
    @ProbeBuilder
    public TestProbeBuilder probe(TestProbeBuilder probe) {
        probe.setHeader(Constants.DYNAMICIMPORT_PACKAGE, "*");
        return probe;
    }

    /** A service of {@code type}, waiting up to {@code timeoutMillis}; tracked (so held) until the test ends. */
    protected <T> T service(Class<T> type, long timeoutMillis) {
        ServiceTracker<T, T> tracker = new ServiceTracker<>(context, type, null);
        tracker.open();
        trackers.add(tracker);
        try {
            T service = tracker.waitForService(timeoutMillis);
            assertNotNull("no " + type.getName() + " service within " + timeoutMillis + " ms", service);
            awaitModelServing(service);
            return service;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + type.getName(), e);
        }
    }

    /**
     * The backbone's services are there from its start, the model a moment later (the model extender reads its bundle
     * in the background): a test that takes them waits for the model, unless it runs without one.
     */
    private void awaitModelServing(Object service) {
        if (Boolean.parseBoolean(context.getProperty(NO_MODEL_PROPERTY))) {
            return;
        }
        if (service instanceof io.morphgate.api.inference.InferenceService inference) {
            await("a model serving", 60_000, () -> inference.model().isPresent());
        } else if (service instanceof io.morphgate.api.model.ModelControl control) {
            await("a model serving", 60_000, () -> control.status().model().isPresent());
        }
    }

    /** The installed bundle {@code symbolicName}; fails if there is none. */
    protected Bundle bundle(String symbolicName) {
        return Arrays.stream(context.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName())).findFirst()
                .orElseThrow(() -> new AssertionError("no bundle " + symbolicName + " installed"));
    }

    /** The bundles {@link #gatewayOptions} provisioned, in order. */
    protected List<Bundle> provisionedBundles() {
        return Stream.of(context.getProperty(PROVISIONED).split(",")).filter(l -> !l.isEmpty()).map(l -> {
            Bundle b = context.getBundle(l);
            if (b == null) {
                throw new AssertionError("provisioned bundle " + l + " is not installed");
            }
            return b;
        }).toList();
    }

    /**
     * Waits until the operator bundle has registered all its variants (derived ones come a moment after the others),
     * the backbone has a verdict on each, and no swap has happened for {@code quietMillis}: from then on the serving
     * configuration changes only when the test changes it.
     */
    protected void awaitSettled(String operatorSymbolicName, long quietMillis) {
        io.morphgate.api.model.ModelControl control = service(io.morphgate.api.model.ModelControl.class, 30_000);
        Bundle operator = bundle(operatorSymbolicName);
        await(operatorSymbolicName + "'s variants to settle", 120_000,
                () -> OperatorFeatures.settled(control, operator));
        long[] last = {control.status().generation(), System.nanoTime()};
        await("no swap for " + quietMillis + " ms", 60_000, () -> {
            long generation = control.status().generation();
            if (generation != last[0]) {
                last[0] = generation;
                last[1] = System.nanoTime();
                return false;
            }
            return System.nanoTime() - last[1] >= quietMillis * 1_000_000;
        });
    }

    /**
     * Makes the slots that are neither pinned nor planned take the highest-ranked accepted variant (backbone
     * {@code unplannedSlots=HIGHEST_RANKED}), for the tests of the hot-swap machinery itself: by default bound variants
     * are offered, not imposed. Returns once the backbone has chosen the configuration under that rule.
     */
    protected void rankedVariantsServe() {
        io.morphgate.api.model.ModelControl control = service(io.morphgate.api.model.ModelControl.class, 30_000);
        org.osgi.service.cm.ConfigurationAdmin cm = service(org.osgi.service.cm.ConfigurationAdmin.class, 10_000);
        try {
            org.osgi.service.cm.Configuration backbone = cm.getConfiguration("morphgate.backbone", "?");
            java.util.Dictionary<String, Object> properties = backbone.getProperties() == null
                    ? new java.util.Hashtable<>() : backbone.getProperties();
            properties.put("unplannedSlots", "HIGHEST_RANKED");
            backbone.update(properties);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // the backbone's component properties (so its service properties) follow its configuration once applied
        await("the backbone to apply unplannedSlots=HIGHEST_RANKED", 30_000, () -> {
            org.osgi.framework.ServiceReference<?> ref = context.getServiceReference(
                    io.morphgate.api.model.ModelControl.class);
            return ref != null && "HIGHEST_RANKED".equals(String.valueOf(ref.getProperty("unplannedSlots")));
        });
        try {
            // queued on the swap thread after the rule change: completes once a swap under the new rule has run
            control.withdrawPlan().toCompletableFuture().get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the backbone did not swap under the new rule", e);
        }
    }

    /** Polls {@code condition} every 50 ms until it holds; fails with "timed out after N ms waiting for {what}". */
    protected static void await(String what, long timeoutMillis, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after " + timeoutMillis + " ms waiting for " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }

    @After
    public void closeTrackers() {
        trackers.forEach(ServiceTracker::close);
        trackers.clear();
    }

    private static boolean isFragment(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.getManifest() != null && file.getManifest().getMainAttributes().getValue(Constants.FRAGMENT_HOST) != null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jar, e);
        }
    }
}
