package io.morphgate.operator.kit.testing;

import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.Version;
import org.osgi.service.condition.Condition;

import io.morphgate.api.slot.SlotCatalog;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.slot.SlotWeights;
import io.morphgate.api.slot.TrainedVariant;
import io.morphgate.api.slot.TensorShape;
import io.morphgate.api.variant.DerivationListener;
import io.morphgate.api.variant.OfferReport;
import io.morphgate.api.variant.OperatorVariant;
import io.morphgate.api.variant.VariantProperties;
import io.morphgate.operator.kit.SeededParameters;

/**
 * What the component needs from a framework, faked: the backbone's four real slots (slots.json) with fixed-seed
 * weights, configuration from the annotation's defaults, and a bundle context that records registrations (each
 * variant with its service properties, and the {@link VariantProperties#OFFER_COMPLETE} condition with the variants
 * registered before it) and may have a data area. Shared by the operator bundles' unit tests (this module's test jar).
 */
public final class FakeOperatorFramework {

    public static final String BACKBONE_ID = "test-backbone";
    /** The model the fake catalogs describe, and the SHA-256 of its (imaginary) ONNX file. */
    public static final String MODEL_ID = "test-model";
    public static final String MODEL_SHA256 = "0123456789abcdef".repeat(4);

    public static final List<SlotSpec> SLOTS = List.of(
            new SlotSpec("conv1", 0, new TensorShape(16, 28, 28), new TensorShape(32, 14, 14), 3,
                    "conv3x3(16->32)+BN+ReLU+maxpool2", 0, 0),
            new SlotSpec("conv2", 1, new TensorShape(32, 14, 14), new TensorShape(32, 14, 14), 3,
                    "conv3x3(32->32)+BN+ReLU", 0, 0),
            new SlotSpec("conv3", 2, new TensorShape(32, 14, 14), new TensorShape(64, 7, 7), 3,
                    "conv3x3(32->64)+BN+ReLU+maxpool2", 0, 0),
            new SlotSpec("conv4", 3, new TensorShape(64, 7, 7), new TensorShape(64, 7, 7), 3,
                    "conv3x3(64->64)+BN+ReLU", 0, 0));

    /**
     * Slots as networks exported by torch.onnx.export have them (ResNet): a 7x7 stride-2 stem, a stride-2 3x3 conv,
     * and a 3x3 conv that feeds a residual add, so ends without ReLU.
     */
    public static final List<SlotSpec> EXPORTED_SLOTS = List.of(
            new SlotSpec("stem", 0, new TensorShape(3, 32, 32), new TensorShape(16, 16, 16), 7,
                    "conv7x7/2(3->16)+bias+ReLU", 0, 0, 2, SlotSpec.Activation.RELU, false),
            new SlotSpec("layer2.0.conv1", 1, new TensorShape(16, 16, 16), new TensorShape(32, 8, 8), 3,
                    "conv3x3/2(16->32)+bias+ReLU", 0, 0, 2, SlotSpec.Activation.RELU, false),
            new SlotSpec("layer2.0.conv2", 2, new TensorShape(32, 8, 8), new TensorShape(32, 8, 8), 3,
                    "conv3x3(32->32)+bias", 0, 0, 1, SlotSpec.Activation.NONE, false));

    /** The bundle's data area; null: the framework has no file system support. */
    private final Path dataArea;

    /** A framework without a bundle data area: nothing is kept from one start to the next. */
    public FakeOperatorFramework() {
        this(null);
    }

    /** A framework whose bundle (version 1.0.0) has its data area in {@code dataArea}. */
    public FakeOperatorFramework(Path dataArea) {
        this.dataArea = dataArea;
    }

    /** Registered variants, in order; derived ones arrive from a background thread. */
    public final List<OperatorVariant> registered = new CopyOnWriteArrayList<>();
    /** The service properties of each registered variant, by variant id. */
    public final Map<String, Dictionary<String, ?>> properties = Collections.synchronizedMap(new HashMap<>());
    public final List<String> unregistered = new CopyOnWriteArrayList<>();
    /** The offer-complete condition's properties and the ids registered before it; null until it is registered. */
    private volatile Offered offered;
    private volatile boolean offerWithdrawn;

    /** The operator's report of skipped slots and derivation progress, once registered. */
    private volatile OfferReport report;
    private volatile boolean reportWithdrawn;
    private volatile Dictionary<String, ?> reportProperties;
    /** Listeners the bundle context hands out as {@link DerivationListener} services. */
    public final List<DerivationListener> derivationListeners = new CopyOnWriteArrayList<>();

    /** The condition an operator registers once its offer is complete. */
    public record Offered(Dictionary<String, ?> properties, List<String> idsBefore) {
    }

    /** The backbone's slots; with weights when {@code publishesWeights}, never with calibration inputs. */
    public static SlotCatalog catalog(boolean publishesWeights) {
        return catalog(publishesWeights, id -> Optional.empty());
    }

    /** As {@link #catalog(boolean)}, with the trained variants the model ships. */
    public static SlotCatalog catalog(boolean publishesWeights, Function<String, Optional<TrainedVariant>> trained) {
        return catalog(publishesWeights, 0, trained);
    }

    /** The backbone's slots with weights and {@code count} seeded calibration inputs per slot (post-ReLU values). */
    public static SlotCatalog catalogWithCalibration(int count) {
        return catalog(true, count, id -> Optional.empty());
    }

    /** The {@link #EXPORTED_SLOTS} with weights and {@code count} seeded calibration inputs per slot. */
    public static SlotCatalog exportedCatalog(int count) {
        return catalog(EXPORTED_SLOTS, true, count, id -> Optional.empty());
    }

    /** The slot named {@code name} among {@link #SLOTS} and {@link #EXPORTED_SLOTS}. */
    public static Optional<SlotSpec> anySlot(String name) {
        return Stream.concat(SLOTS.stream(), EXPORTED_SLOTS.stream()).filter(s -> s.name().equals(name)).findFirst();
    }

    private static SlotCatalog catalog(boolean publishesWeights, int calibrationInputs,
            Function<String, Optional<TrainedVariant>> trained) {
        return catalog(SLOTS, publishesWeights, calibrationInputs, trained);
    }

    private static SlotCatalog catalog(List<SlotSpec> slots, boolean publishesWeights, int calibrationInputs,
            Function<String, Optional<TrainedVariant>> trained) {
        return new SlotCatalog() {
            @Override
            public String backboneId() {
                return BACKBONE_ID;
            }

            @Override
            public List<SlotSpec> slots() {
                return slots;
            }

            @Override
            public Optional<SlotSpec> slot(String name) {
                return slots.stream().filter(s -> s.name().equals(name)).findFirst();
            }

            @Override
            public Optional<SlotWeights> weights(String slot) {
                return publishesWeights ? slot(slot).map(s -> new SeededParameters(s.index()).slotWeights(s))
                        : Optional.empty();
            }

            @Override
            public List<float[]> calibrationInputs(String slot) {
                SlotSpec spec = slot(slot).orElseThrow();
                Random random = new Random(spec.index());
                return Stream.generate(() -> postRelu(random, spec.input().elementCount())).limit(calibrationInputs)
                        .toList();
            }

            @Override
            public OptionalDouble fullModelAccuracy() {
                return OptionalDouble.empty();
            }

            @Override
            public Optional<TrainedVariant> trainedVariant(String variantId) {
                return trained.apply(variantId);
            }

            @Override
            public Optional<String> modelId() {
                return Optional.of(MODEL_ID);
            }

            @Override
            public Optional<String> modelSha256() {
                return Optional.of(MODEL_SHA256);
            }
        };
    }

    private static float[] postRelu(Random random, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = Math.max(0f, (float) random.nextGaussian());
        }
        return x;
    }

    /** A configuration: the annotation's defaults, with some values overridden. */
    public static <A extends Annotation> A configuration(Class<A> type, Map<String, Object> overrides) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> overrides.getOrDefault(method.getName(), method.getDefaultValue())));
    }

    /** A bundle context that records registrations and has the data area; any other call fails the test. */
    @SuppressWarnings("unchecked")
    public BundleContext context() {
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getDataFile":
                            return dataArea == null ? null : dataArea.resolve((String) args[0]).toFile();
                        case "getBundle":
                            return bundle();
                        case "registerService":
                            break;
                        case "getServiceReferences":
                            return listenerReferences((Class<?>) args[0]);
                        case "getService":
                            return ((ListenerReference) Proxy.getInvocationHandler(args[0])).listener();
                        case "ungetService":
                            return true;
                        default:
                            throw new UnsupportedOperationException("not faked: BundleContext." + method.getName());
                    }
                    Dictionary<String, ?> props = (Dictionary<String, ?>) args[2];
                    if (args[1] instanceof OperatorVariant variant) {
                        String id = variant.descriptor().id();
                        properties.put(id, props);
                        registered.add(variant);
                        return registration(() -> unregistered.add(id));
                    }
                    if (args[1] instanceof OfferReport r) {
                        report = r;
                        reportProperties = props;
                        return registration(() -> reportWithdrawn = true);
                    }
                    if (args[1] instanceof Condition) {
                        offered = new Offered(props, ids());
                        return registration(() -> offerWithdrawn = true);
                    }
                    throw new UnsupportedOperationException("not an operator's service: " + args[1]);
                });
    }

    /** A service reference per listener, which {@code getService} turns back into the listener. */
    private List<ServiceReference<?>> listenerReferences(Class<?> type) {
        if (type != DerivationListener.class) {
            throw new UnsupportedOperationException("not faked: references to " + type);
        }
        return derivationListeners.stream().<ServiceReference<?>>map(l -> (ServiceReference<?>) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {ServiceReference.class}, new ListenerReference(l)))
                .toList();
    }

    private record ListenerReference(DerivationListener listener) implements InvocationHandler {
        @Override
        public Object invoke(Object proxy, Method method, Object[] args) {
            throw new UnsupportedOperationException("not faked: ServiceReference." + method.getName());
        }
    }

    /** The operator's offer report, once registered. */
    public Optional<OfferReport> report() {
        return Optional.ofNullable(report);
    }

    /** The offer report's service properties, once registered. */
    public Map<String, Object> reportProperties() {
        Map<String, Object> copy = new HashMap<>();
        Dictionary<String, ?> props = reportProperties;
        if (props != null) {
            for (String key : Collections.list(props.keys())) {
                copy.put(key, props.get(key));
            }
        }
        return copy;
    }

    /** True once the offer report was unregistered. */
    public boolean reportWithdrawn() {
        return reportWithdrawn;
    }

    public List<String> ids() {
        return registered.stream().map(v -> v.descriptor().id()).toList();
    }

    /** The offer-complete condition, once registered. */
    public Optional<Offered> offered() {
        return Optional.ofNullable(offered);
    }

    /** True once the offer-complete condition was unregistered. */
    public boolean offerWithdrawn() {
        return offerWithdrawn;
    }

    /**
     * Waits until the operator says its offer is complete (derived variants are computed in the background), then
     * returns the ids registered; fails after 30 s.
     */
    public List<String> awaitOffer() throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (offered == null) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("the operator did not complete its offer within 30 s; registered " + ids());
            }
            Thread.sleep(10);
        }
        return ids();
    }

    private Bundle bundle() {
        return (Bundle) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("getVersion")) {
                        throw new UnsupportedOperationException("not faked: Bundle." + method.getName());
                    }
                    return new Version(1, 0, 0);
                });
    }

    private ServiceRegistration<?> registration(Runnable unregister) {
        return (ServiceRegistration<?>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ServiceRegistration.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("unregister")) {
                        throw new UnsupportedOperationException("not faked: ServiceRegistration." + method.getName());
                    }
                    unregister.run();
                    return null;
                });
    }
}
