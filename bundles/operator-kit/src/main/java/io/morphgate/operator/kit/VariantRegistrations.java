package io.morphgate.operator.kit;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Hashtable;
import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.condition.Condition;

import io.morphgate.api.variant.OperatorVariant;
import io.morphgate.api.variant.VariantDescriptor;
import io.morphgate.api.variant.VariantProperties;

/**
 * The {@link OperatorVariant} services of one operator component: one registration per variant, each with the
 * {@link VariantProperties} so the backbone can bind, refuse or drop variants one by one and filter without calling
 * into the bundle; and, once {@linkplain #complete() complete}, the {@link VariantProperties#OFFER_COMPLETE} condition
 * that tells the deployer's health check it has seen every variant. Closing unregisters them all; it is what the
 * component's {@code @Deactivate} does.
 */
public final class VariantRegistrations implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(VariantRegistrations.class.getName());

    private final BundleContext context;
    private final String backboneId;
    private final List<ServiceRegistration<OperatorVariant>> registrations = new ArrayList<>();
    private ServiceRegistration<Condition> offered;
    private boolean closed;

    private VariantRegistrations(BundleContext context, String backboneId) {
        this.context = context;
        this.backboneId = backboneId;
    }

    /**
     * Registers every variant, each tied to the parameters it was made for ({@code backboneId}, the catalog's); if
     * one registration fails, those made so far are withdrawn before rethrowing.
     */
    public static VariantRegistrations register(BundleContext context, String backboneId,
            List<? extends OperatorVariant> variants) {
        VariantRegistrations made = new VariantRegistrations(context, backboneId);
        try {
            made.add(variants);
        } catch (RuntimeException e) {
            made.close();
            throw e;
        }
        return made;
    }

    /**
     * Registers more variants, e.g. derived ones that were computed in the background. Does nothing once closed, so a
     * late result cannot outlive its component.
     */
    public synchronized void add(List<? extends OperatorVariant> variants) {
        if (closed) {
            return;
        }
        for (OperatorVariant variant : variants) {
            registrations.add(context.registerService(OperatorVariant.class, variant, properties(variant.descriptor(),
                    backboneId)));
        }
    }

    /**
     * Says that every variant of the offer is registered: registers the {@link VariantProperties#OFFER_COMPLETE}
     * condition. Does nothing when said before, once closed, or while the bundle stops.
     */
    public synchronized void complete() {
        if (closed || offered != null) {
            return;
        }
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(Condition.CONDITION_ID, VariantProperties.OFFER_COMPLETE);
        properties.put(VariantProperties.BACKBONE_ID, backboneId);
        try {
            offered = context.registerService(Condition.class, Condition.INSTANCE, properties);
        } catch (IllegalStateException stopping) {
            LOG.log(Level.DEBUG, "offer not marked complete: the bundle is stopping");
        }
    }

    /** The service properties of a variant made for {@code backboneId}. */
    static Hashtable<String, Object> properties(VariantDescriptor descriptor, String backboneId) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(VariantProperties.BACKBONE_ID, backboneId);
        properties.put(VariantProperties.SLOT, descriptor.slot());
        properties.put(VariantProperties.VARIANT_ID, descriptor.id());
        properties.put(VariantProperties.OPERATOR, descriptor.kind().name());
        properties.put(VariantProperties.ANNOUNCES_OFFER, Boolean.TRUE);
        return properties;
    }

    /** Number of variants currently registered. */
    public synchronized int size() {
        return registrations.size();
    }

    /** The registrations still open, in registration order. */
    public synchronized List<ServiceRegistration<OperatorVariant>> registrations() {
        return Collections.unmodifiableList(new ArrayList<>(registrations));
    }

    /**
     * Unregisters every variant. Safe to call twice, and while the bundle stops: the framework may already have
     * unregistered the services, which is what was wanted anyway.
     */
    @Override
    public synchronized void close() {
        closed = true;
        if (offered != null) {
            unregister(offered);
            offered = null;
        }
        registrations.forEach(VariantRegistrations::unregister);
        registrations.clear();
    }

    private static void unregister(ServiceRegistration<?> registration) {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            LOG.log(Level.DEBUG, "service already unregistered (bundle stopping)");
        }
    }
}
