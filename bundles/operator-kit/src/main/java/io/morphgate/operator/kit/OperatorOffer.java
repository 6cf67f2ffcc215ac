package io.morphgate.operator.kit;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Locale;

import org.osgi.framework.BundleContext;

import io.morphgate.api.slot.SlotCatalog;
import io.morphgate.api.variant.OfferReport;
import io.morphgate.api.variant.OperatorKind;
import io.morphgate.api.variant.SlotSkip;

/**
 * What an operator component offers the backbone: its variants, registered when the component activates, and its
 * derived variants, computed in the background and registered when ready; then it says the offer is complete
 * ({@link io.morphgate.api.variant.VariantProperties#OFFER_COMPLETE}). Closing withdraws all; it is what the
 * component's {@code @Deactivate} does.
 *
 * <p>An operator that names its {@link OperatorKind} also registers an {@link OfferReport}: the slots it skips and
 * why (so a person sees them in the {@code variants} listing, not only in the log), and how its derivation goes.
 */
public final class OperatorOffer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(OperatorOffer.class.getName());

    private final VariantRegistrations registrations;
    private final BackgroundDerivation derivation;
    private final OperatorReport report;

    private OperatorOffer(VariantRegistrations registrations, BackgroundDerivation derivation, OperatorReport report) {
        this.registrations = registrations;
        this.derivation = derivation;
        this.report = report;
    }

    /** Registers {@code variants}; the operator derives none. Registers no {@link OfferReport} (kit 1.1 form). */
    public static OperatorOffer of(BundleContext context, String operator, SlotCatalog catalog,
            List<BlockVariant> variants) {
        return of(context, operator, catalog, variants, List.of(), null);
    }

    /**
     * Registers {@code variants} and, when {@code derivedSettings} is not empty, starts deriving one variant per slot
     * and setting in the background. Registers no {@link OfferReport} (kit 1.1 form).
     */
    public static <S> OperatorOffer of(BundleContext context, String operator, SlotCatalog catalog,
            List<BlockVariant> variants, List<S> derivedSettings, DerivedVariants.Derivation<S> derivation) {
        return offer(context, operator, null, catalog, variants, List.of(), derivedSettings, derivation);
    }

    /**
     * Registers {@code variants} and the operator's {@link OfferReport}, which says why it skips the slots in
     * {@code skipped}; the operator derives none.
     *
     * @since 1.2
     */
    public static OperatorOffer of(BundleContext context, OperatorKind operator, SlotCatalog catalog,
            List<BlockVariant> variants, List<SlotSkip> skipped) {
        return of(context, operator, catalog, variants, skipped, List.of(), null);
    }

    /**
     * Registers {@code variants} and the operator's {@link OfferReport} (the slots in {@code skipped} and why), and,
     * when {@code derivedSettings} is not empty, starts deriving one variant per slot and setting in the background;
     * the report then carries the derivation's progress (and any slot it derives nothing for), and every
     * {@link io.morphgate.api.variant.DerivationListener} hears it.
     *
     * @since 1.2
     */
    public static <S> OperatorOffer of(BundleContext context, OperatorKind operator, SlotCatalog catalog,
            List<BlockVariant> variants, List<SlotSkip> skipped, List<S> derivedSettings,
            DerivedVariants.Derivation<S> derivation) {
        return offer(context, name(operator), operator, catalog, variants, skipped, derivedSettings, derivation);
    }

    /** The operator's name in logs, thread names and the cache: {@code LOW_RANK} is {@code low-rank}. */
    static String name(OperatorKind operator) {
        return operator.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static <S> OperatorOffer offer(BundleContext context, String name, OperatorKind operator,
            SlotCatalog catalog, List<BlockVariant> variants, List<SlotSkip> skipped, List<S> derivedSettings,
            DerivedVariants.Derivation<S> derivation) {
        VariantRegistrations registrations = VariantRegistrations.register(context, catalog.backboneId(), variants);
        OperatorReport report = null;
        BackgroundDerivation background = null;
        try {
            report = operator == null ? null : OperatorReport.register(context, operator, catalog, skipped);
            if (derivedSettings.isEmpty()) {
                registrations.complete();
            } else if (report == null) {
                background = BackgroundDerivation.start(name, catalog, derivedSettings, derivation,
                        DerivedVariantCache.in(context), registrations);
            } else {
                background = BackgroundDerivation.start(name, catalog, derivedSettings, derivation,
                        DerivedVariantCache.in(context), registrations, report.meter(), report::skip);
            }
        } catch (RuntimeException e) {
            if (report != null) {
                report.close();
            }
            registrations.close();
            throw e;
        }
        LOG.log(Level.INFO, "{0} operator offers {1} variants for backbone {2}{3}{4}", name, variants.size(),
                catalog.backboneId(), skipped.isEmpty() ? "" : ", skips " + skipped.size() + " slot settings",
                background == null ? "" : ", and derives more in the background");
        return new OperatorOffer(registrations, background, report);
    }

    /** Cancels a derivation still running, then withdraws every variant. */
    @Override
    public void close() {
        if (derivation != null) {
            derivation.close();
        }
        registrations.close();
        if (report != null) {
            report.close();
        }
    }
}
