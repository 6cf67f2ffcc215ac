package io.morphgate.operator.bottleneck.internal;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

import io.morphgate.api.slot.SlotCatalog;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.variant.OperatorVariant;
import io.morphgate.operator.kit.BlockVariant;
import io.morphgate.operator.kit.BackgroundDerivation;
import io.morphgate.operator.kit.VariantRegistrations;

/**
 * Offers one bottleneck variant per slot and configured beta, each registered as its own {@link OperatorVariant}
 * service so that the backbone can bind, refuse or drop them one by one; and, unless turned off, one derived from the
 * slot's trained kernel per slot and beta. Derivation runs here, on activation (its time is logged).
 */
@Component(service = {}, immediate = true, configurationPid = "morphgate.operator.bottleneck")
@Designate(ocd = BottleneckConfiguration.class)
public class BottleneckOperator {

    private static final System.Logger LOG = System.getLogger(BottleneckOperator.class.getName());

    private final VariantRegistrations registrations;
    private final BackgroundDerivation derivation;

    @Activate
    public BottleneckOperator(BundleContext context, @Reference SlotCatalog catalog,
            BottleneckConfiguration config) {
        BottleneckBlock block = new BottleneckBlock(config.seed());
        List<BlockVariant> variants = new ArrayList<>();
        for (SlotSpec slot : catalog.slots()) {
            for (double beta : config.betas()) {
                block.variant(slot, beta).ifPresent(variants::add);
            }
        }
        registrations = VariantRegistrations.register(context, variants);
        derivation = config.derived() ? BackgroundDerivation.start("bottleneck", catalog,
                Arrays.stream(config.betas()).boxed().toList(), new BottleneckDerivation(catalog.backboneId()),
                registrations) : null;
        LOG.log(Level.INFO, "bottleneck operator offers {0} variants for backbone {1}"
                + (config.derived() ? ", and derives more in the background" : ""), registrations.size(),
                catalog.backboneId());
    }

    @Deactivate
    void deactivate() {
        if (derivation != null) {
            derivation.close();
        }
        registrations.close();
    }
}
