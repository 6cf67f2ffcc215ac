package io.morphgate.operator.fire.internal;

import java.util.ArrayList;
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
import io.morphgate.operator.kit.OperatorOffer;
import io.morphgate.operator.kit.TrainedVariants;

/**
 * Offers one fire variant per downsampling slot and configured squeeze ratio, each registered as its own
 * {@link OperatorVariant} service so that the backbone can bind, refuse or drop them one by one.
 */
@Component(service = {}, immediate = true, configurationPid = "morphgate.operator.fire")
@Designate(ocd = FireConfiguration.class)
public class FireOperator {

    private final OperatorOffer offer;

    @Activate
    public FireOperator(BundleContext context, @Reference SlotCatalog catalog, FireConfiguration config) {
        FireBlock block = new FireBlock(config.seed());
        List<BlockVariant> variants = new ArrayList<>();
        for (SlotSpec slot : catalog.slots()) {
            if (!FireBlock.fits(slot)) {
                continue;
            }
            for (double ratio : config.squeezeRatios()) {
                block.variant(slot, ratio).ifPresent(variants::add);
            }
        }
        variants = TrainedVariants.preferTrained(catalog, variants);
        offer = OperatorOffer.of(context, "fire", catalog, variants);
    }

    @Deactivate
    void deactivate() {
        offer.close();
    }
}
