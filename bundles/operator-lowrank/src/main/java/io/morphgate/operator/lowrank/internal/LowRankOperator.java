package io.morphgate.operator.lowrank.internal;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

import io.morphgate.api.slot.SlotCatalog;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.variant.OperatorVariant;
import io.morphgate.api.variant.VariantProperties;

/**
 * Offers one low-rank variant per slot and configured beta, each registered as its own {@link OperatorVariant}
 * service so that the backbone can bind, refuse or drop them one by one.
 */
@Component(service = {}, immediate = true, configurationPid = "morphgate.operator.lowrank")
@Designate(ocd = LowRankConfiguration.class)
public class LowRankOperator {

    private static final System.Logger LOG = System.getLogger(LowRankOperator.class.getName());

    private final List<ServiceRegistration<OperatorVariant>> registrations = new ArrayList<>();

    @Activate
    public LowRankOperator(BundleContext context, @Reference SlotCatalog catalog, LowRankConfiguration config) {
        LowRankBlock block = new LowRankBlock(config.kernelSize(), config.seed());
        for (SlotSpec slot : catalog.slots()) {
            for (double beta : config.betas()) {
                Optional<LowRankVariant> variant = block.variant(slot, beta);
                if (variant.isEmpty()) {
                    continue;
                }
                Hashtable<String, Object> properties = new Hashtable<>();
                properties.put(VariantProperties.SLOT, slot.name());
                properties.put(VariantProperties.VARIANT_ID, variant.get().descriptor().id());
                properties.put(VariantProperties.OPERATOR, variant.get().descriptor().kind().name());
                registrations.add(context.registerService(OperatorVariant.class, variant.get(), properties));
            }
        }
        LOG.log(Level.INFO, "low-rank operator offers {0} variants for backbone {1}", registrations.size(),
                catalog.backboneId());
    }

    @Deactivate
    void deactivate() {
        for (ServiceRegistration<OperatorVariant> registration : registrations) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                LOG.log(Level.DEBUG, "variant already unregistered with its stopping bundle");
            }
        }
        registrations.clear();
    }
}
