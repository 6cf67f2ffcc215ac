package io.morphgate.backbone.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.framework.Constants;

import io.morphgate.api.variant.OperatorVariant;
import io.morphgate.api.variant.VariantProperties;

/**
 * The variant services currently bound, in a thread-safe map keyed by service id. Binding and unbinding only touch
 * this map; everything slow happens on the swap thread.
 */
final class VariantRegistry {

    /** Highest service ranking first, then the most recently bound. */
    static final Comparator<OfferedVariant> PREFERENCE = Comparator.comparingInt(OfferedVariant::ranking)
            .thenComparingLong(OfferedVariant::bindOrder).reversed();

    private final Map<Long, OfferedVariant> variants = new ConcurrentHashMap<>();
    /** The backbone id each variant was registered for (service id to id); absent: for whichever model serves. */
    private final Map<Long, String> madeFor = new ConcurrentHashMap<>();
    /** The backbone id of the model serving; variants made for another are ignored. */
    private volatile String serving;
    private final AtomicLong bindCounter = new AtomicLong();

    OfferedVariant add(OperatorVariant service, Map<String, Object> properties) {
        long serviceId = (Long) properties.get(Constants.SERVICE_ID);
        Object ranking = properties.get(Constants.SERVICE_RANKING);
        Object bundleId = properties.get("service.bundleid");
        OfferedVariant offered = new OfferedVariant(service, serviceId,
                ranking instanceof Integer r ? r : 0,
                bundleId instanceof Long b ? b : -1L,
                bindCounter.incrementAndGet(),
                String.valueOf(properties.get(VariantProperties.SLOT)),
                String.valueOf(properties.get(VariantProperties.VARIANT_ID)));
        if (properties.get(VariantProperties.BACKBONE_ID) instanceof String backboneId) {
            madeFor.put(serviceId, backboneId);
        }
        variants.put(serviceId, offered);
        return offered;
    }

    Optional<OfferedVariant> remove(Map<String, Object> properties) {
        Long serviceId = (Long) properties.get(Constants.SERVICE_ID);
        madeFor.remove(serviceId);
        return Optional.ofNullable(variants.remove(serviceId));
    }

    /** From now on only variants made for {@code backboneId} (or for any model) count; null: none do. */
    void serve(String backboneId) {
        serving = backboneId;
    }

    /** True when the variant was made for the model serving. */
    boolean forServingModel(OfferedVariant variant) {
        String model = serving;
        String made = madeFor.get(variant.serviceId());
        return model != null && (made == null || made.equals(model));
    }

    List<OfferedVariant> pending() {
        return variants.values().stream().filter(v -> v.isPending() && forServingModel(v)).toList();
    }

    /** Accepted variants for a slot, preferred first. */
    List<OfferedVariant> candidates(String slot) {
        return variants.values().stream()
                .filter(v -> v.isAccepted() && slot.equals(v.slot()) && forServingModel(v))
                .sorted(PREFERENCE)
                .toList();
    }

    /** The accepted variant with this id, if one is bound. */
    Optional<OfferedVariant> accepted(String variantId) {
        return variants.values().stream().filter(v -> v.isAccepted() && variantId.equals(v.id()) && forServingModel(v))
                .sorted(PREFERENCE).findFirst();
    }

    boolean hasId(String variantId) {
        return variants.values().stream().anyMatch(v -> variantId.equals(v.id()) && forServingModel(v));
    }

    List<OfferedVariant> all() {
        List<OfferedVariant> all = new ArrayList<>(variants.values().stream().filter(this::forServingModel).toList());
        all.sort(Comparator.comparing(OfferedVariant::slot).thenComparing(OfferedVariant::id));
        return all;
    }
}
