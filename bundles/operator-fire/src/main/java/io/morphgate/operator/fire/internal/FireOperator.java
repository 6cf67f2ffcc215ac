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
import io.morphgate.api.variant.OperatorKind;
import io.morphgate.api.variant.OperatorVariant;
import io.morphgate.api.variant.SlotSkip;
import io.morphgate.operator.kit.BlockVariant;
import io.morphgate.operator.kit.OperatorOffer;
import io.morphgate.operator.kit.TrainedVariants;

/**
 * Offers one fire variant per downsampling slot and configured squeeze ratio, each registered as its own
 * {@link OperatorVariant} service so that the backbone can bind, refuse or drop them one by one; every other slot
 * is listed in the operator's report with the reason.
 */
@Component(service = {}, immediate = true, configurationPid = "morphgate.operator.fire")
@Designate(ocd = FireConfiguration.class)
public class FireOperator {

    private final OperatorOffer offer;

    @Activate
    public FireOperator(BundleContext context, @Reference SlotCatalog catalog, FireConfiguration config) {
        FireBlock block = new FireBlock(config.seed());
        List<BlockVariant> variants = new ArrayList<>();
        List<SlotSkip> skipped = new ArrayList<>();
        for (SlotSpec slot : catalog.slots()) {
            for (double ratio : config.squeezeRatios()) {
                FireBlock.whyNot(slot, ratio).ifPresentOrElse(
                        why -> skipped.add(new SlotSkip(OperatorKind.FIRE, slot.name(), why)),
                        () -> block.variant(slot, ratio).ifPresent(variants::add));
            }
        }
        offer = OperatorOffer.of(context, OperatorKind.FIRE, catalog,
                TrainedVariants.preferTrained(catalog, variants), skipped);
    }

    @Deactivate
    void deactivate() {
        offer.close();
    }
}
