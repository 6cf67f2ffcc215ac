package io.morphgate.operator.kit;

import java.lang.System.Logger.Level;
import java.util.List;

import org.osgi.framework.BundleContext;

import io.morphgate.api.slot.SlotCatalog;

/**
 * What an operator component offers the backbone: its variants, registered when the component activates, and its
 * derived variants, computed in the background and registered when ready; then it says the offer is complete
 * ({@link io.morphgate.api.variant.VariantProperties#OFFER_COMPLETE}). Closing withdraws all; it is what the
 * component's {@code @Deactivate} does.
 */
public final class OperatorOffer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(OperatorOffer.class.getName());

    private final VariantRegistrations registrations;
    private final BackgroundDerivation derivation;

    private OperatorOffer(VariantRegistrations registrations, BackgroundDerivation derivation) {
        this.registrations = registrations;
        this.derivation = derivation;
    }

    /** Registers {@code variants}; the operator derives none. */
    public static OperatorOffer of(BundleContext context, String operator, SlotCatalog catalog,
            List<BlockVariant> variants) {
        return of(context, operator, catalog, variants, List.of(), null);
    }

    /**
     * Registers {@code variants} and, when {@code derivedSettings} is not empty, starts deriving one variant per slot
     * and setting in the background.
     */
    public static <S> OperatorOffer of(BundleContext context, String operator, SlotCatalog catalog,
            List<BlockVariant> variants, List<S> derivedSettings, DerivedVariants.Derivation<S> derivation) {
        VariantRegistrations registrations = VariantRegistrations.register(context, catalog.backboneId(), variants);
        BackgroundDerivation background = null;
        if (derivedSettings.isEmpty()) {
            registrations.complete();
        } else {
            background = BackgroundDerivation.start(operator, catalog, derivedSettings, derivation,
                    DerivedVariantCache.in(context), registrations);
        }
        LOG.log(Level.INFO, "{0} operator offers {1} variants for backbone {2}{3}", operator, variants.size(),
                catalog.backboneId(), background == null ? "" : ", and derives more in the background");
        return new OperatorOffer(registrations, background);
    }

    /** Cancels a derivation still running, then withdraws every variant. */
    @Override
    public void close() {
        if (derivation != null) {
            derivation.close();
        }
        registrations.close();
    }
}
