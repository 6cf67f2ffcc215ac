package io.morphgate.operator.kit.testing;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import io.morphgate.api.slot.SlotCatalog;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.slot.SlotWeights;
import io.morphgate.api.slot.TrainedVariant;
import io.morphgate.api.slot.TensorShape;
import io.morphgate.api.variant.OperatorVariant;
import io.morphgate.api.variant.VariantProperties;
import io.morphgate.operator.kit.SeededParameters;

/**
 * What the component needs from a framework, faked: the backbone's four real slots (slots.json) with fixed-seed
 * weights, configuration from the annotation's defaults, and a bundle context that records registrations. Shared by
 * the operator bundles' unit tests (this module's test jar).
 */
public final class FakeOperatorFramework {

    public static final List<SlotSpec> SLOTS = List.of(
            new SlotSpec("conv1", 0, new TensorShape(16, 28, 28), new TensorShape(32, 14, 14), 3,
                    "conv3x3(16->32)+BN+ReLU+maxpool2", 0, 0),
            new SlotSpec("conv2", 1, new TensorShape(32, 14, 14), new TensorShape(32, 14, 14), 3,
                    "conv3x3(32->32)+BN+ReLU", 0, 0),
            new SlotSpec("conv3", 2, new TensorShape(32, 14, 14), new TensorShape(64, 7, 7), 3,
                    "conv3x3(32->64)+BN+ReLU+maxpool2", 0, 0),
            new SlotSpec("conv4", 3, new TensorShape(64, 7, 7), new TensorShape(64, 7, 7), 3,
                    "conv3x3(64->64)+BN+ReLU", 0, 0));

    /** Registered variants, in order; derived ones arrive from a background thread. */
    public final List<OperatorVariant> registered = new CopyOnWriteArrayList<>();
    public final List<String> unregistered = new CopyOnWriteArrayList<>();

    /** The backbone's slots; with weights when {@code publishesWeights}, never with calibration inputs. */
    public static SlotCatalog catalog(boolean publishesWeights) {
        return catalog(publishesWeights, id -> Optional.empty());
    }

    /** As {@link #catalog(boolean)}, with the trained variants the model ships. */
    public static SlotCatalog catalog(boolean publishesWeights,
            java.util.function.Function<String, Optional<TrainedVariant>> trained) {
        return new SlotCatalog() {
            @Override
            public String backboneId() {
                return "test-backbone";
            }

            @Override
            public List<SlotSpec> slots() {
                return SLOTS;
            }

            @Override
            public Optional<SlotSpec> slot(String name) {
                return SLOTS.stream().filter(s -> s.name().equals(name)).findFirst();
            }

            @Override
            public Optional<SlotWeights> weights(String slot) {
                return publishesWeights ? slot(slot).map(s -> new SeededParameters(s.index()).slotWeights(s))
                        : Optional.empty();
            }

            @Override
            public List<float[]> calibrationInputs(String slot) {
                return List.of();
            }

            @Override
            public OptionalDouble fullModelAccuracy() {
                return OptionalDouble.empty();
            }

            @Override
            public Optional<TrainedVariant> trainedVariant(String variantId) {
                return trained.apply(variantId);
            }
        };
    }

    /** A configuration: the annotation's defaults, with some values overridden. */
    public static <A extends Annotation> A configuration(Class<A> type, Map<String, Object> overrides) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> overrides.getOrDefault(method.getName(), method.getDefaultValue())));
    }

    public BundleContext context() {
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (proxy, method, args) -> {
                    OperatorVariant variant = (OperatorVariant) args[1];
                    if (!variant.descriptor().id().equals(((Dictionary<?, ?>) args[2]).get(VariantProperties.VARIANT_ID))) {
                        throw new AssertionError("service properties do not match " + variant);
                    }
                    registered.add(variant);
                    return registration(variant.descriptor().id());
                });
    }

    public List<String> ids() {
        return registered.stream().map(v -> v.descriptor().id()).toList();
    }

    /** Waits until {@code count} variants are registered (derived ones are computed in the background). */
    public List<String> awaitIds(int count) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (registered.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return ids();
    }

    private ServiceRegistration<?> registration(String id) {
        return (ServiceRegistration<?>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ServiceRegistration.class}, (proxy, method, args) -> unregistered.add(id));
    }
}
