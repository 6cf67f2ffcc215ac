package io.morphgate.operator.kit;

import java.lang.System.Logger.Level;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;

import io.morphgate.api.slot.SlotCatalog;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.variant.DerivationListener;
import io.morphgate.api.variant.DerivationProgress;
import io.morphgate.api.variant.OfferReport;
import io.morphgate.api.variant.OperatorKind;
import io.morphgate.api.variant.SlotSkip;
import io.morphgate.api.variant.VariantProperties;

/**
 * The {@link OfferReport} of one operator component, registered beside its variants: the skips it was given at
 * activation and those its derivation adds (each slot and reason once), and the derivation's latest progress, which
 * it also hands to every {@link DerivationListener} service. Closing withdraws it.
 */
final class OperatorReport implements OfferReport, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(OperatorReport.class.getName());

    private final BundleContext context;
    private final OperatorKind operator;
    private final String backboneId;
    private final Map<String, Integer> slotOrder = new HashMap<>();
    private final Set<SlotSkip> skips = new LinkedHashSet<>();
    private DerivationProgress progress;
    private ServiceRegistration<OfferReport> registration;

    private OperatorReport(BundleContext context, OperatorKind operator, SlotCatalog catalog) {
        this.context = context;
        this.operator = operator;
        this.backboneId = catalog.backboneId();
        for (SlotSpec slot : catalog.slots()) {
            slotOrder.put(slot.name(), slot.index());
        }
    }

    /** Registers the report of {@code operator}'s offer for {@code catalog}, with the skips decided so far. */
    static OperatorReport register(BundleContext context, OperatorKind operator, SlotCatalog catalog,
            List<SlotSkip> skipped) {
        OperatorReport report = new OperatorReport(context, operator, catalog);
        skipped.forEach(s -> report.skip(s.slot(), s.reason()));
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(VariantProperties.OPERATOR, operator.name());
        properties.put(VariantProperties.BACKBONE_ID, report.backboneId);
        report.registration = context.registerService(OfferReport.class, report, properties);
        return report;
    }

    /** Adds a skip of this operator (once per slot and reason). */
    synchronized void skip(String slot, String reason) {
        if (skips.add(new SlotSkip(operator, slot, reason))) {
            LOG.log(Level.INFO, "{0} skips slot {1}: {2}", operator, slot, reason);
        }
    }

    /** The meter of this operator's derivation: its progress is kept here and told to the listeners. */
    DerivationMeter meter() {
        return new DerivationMeter(operator, backboneId, this::progressed, System::nanoTime);
    }

    private void progressed(DerivationProgress now) {
        synchronized (this) {
            progress = now;
        }
        try {
            for (ServiceReference<DerivationListener> reference : context.getServiceReferences(
                    DerivationListener.class, null)) {
                tell(reference, now);
            }
        } catch (IllegalStateException stopping) {
            LOG.log(Level.DEBUG, "derivation progress not told: the bundle is stopping");
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException("no filter was given", e);
        }
    }

    /** Tells one listener, held only for the call; a listener that fails costs its own notice only. */
    private void tell(ServiceReference<DerivationListener> reference, DerivationProgress now) {
        DerivationListener listener = context.getService(reference);
        if (listener == null) {
            return; // went away meanwhile
        }
        try {
            listener.progressed(now);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "a derivation listener failed: " + e, e);
        } finally {
            context.ungetService(reference);
        }
    }

    @Override
    public OperatorKind operator() {
        return operator;
    }

    @Override
    public String backboneId() {
        return backboneId;
    }

    @Override
    public synchronized List<SlotSkip> skipped() {
        return skips.stream().sorted(Comparator.comparingInt(s -> slotOrder.getOrDefault(s.slot(),
                Integer.MAX_VALUE))).toList();
    }

    @Override
    public synchronized Optional<DerivationProgress> derivation() {
        return Optional.ofNullable(progress);
    }

    @Override
    public void close() {
        ServiceRegistration<OfferReport> made = registration;
        if (made != null) {
            try {
                made.unregister();
            } catch (IllegalStateException alreadyGone) {
                LOG.log(Level.DEBUG, "offer report already unregistered (bundle stopping)");
            }
        }
    }
}
