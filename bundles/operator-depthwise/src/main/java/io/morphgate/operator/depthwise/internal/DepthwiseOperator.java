package io.morphgate.operator.depthwise.internal;

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
import io.morphgate.api.variant.OperatorKind;
import io.morphgate.api.variant.OperatorVariant;
import io.morphgate.api.variant.SlotSkip;
import io.morphgate.operator.kit.BlockVariant;
import io.morphgate.operator.kit.OperatorOffer;
import io.morphgate.operator.kit.TrainedVariants;

/**
 * Offers one depthwise-separable variant per slot and configured depth multiplier, each registered as its own
 * {@link OperatorVariant} service so that the backbone can bind, refuse or drop them one by one; and, unless turned
 * off, one derived from the slot's trained kernel per slot and multiplier. Derivation runs in the background and
 * its variants are registered together when it is done.
 */
@Component(service = {}, immediate = true, configurationPid = "morphgate.operator.depthwise")
@Designate(ocd = DepthwiseConfiguration.class)
public class DepthwiseOperator {

    private final OperatorOffer offer;

    @Activate
    public DepthwiseOperator(BundleContext context, @Reference SlotCatalog catalog, DepthwiseConfiguration config) {
        DepthwiseBlock block = new DepthwiseBlock(config.seed());
        List<BlockVariant> variants = new ArrayList<>();
        List<SlotSkip> skipped = new ArrayList<>();
        for (SlotSpec slot : catalog.slots()) {
            for (int m : config.depthMultipliers()) {
                DepthwiseBlock.whyNot(slot, m).ifPresentOrElse(
                        why -> skipped.add(new SlotSkip(OperatorKind.DEPTHWISE_SEPARABLE, slot.name(), why)),
                        () -> block.variant(slot, m).ifPresent(variants::add));
            }
        }
        offer = OperatorOffer.of(context, OperatorKind.DEPTHWISE_SEPARABLE, catalog,
                TrainedVariants.preferTrained(catalog, variants), skipped,
                config.derived() ? Arrays.stream(config.depthMultipliers()).boxed().toList() : List.of(),
                new DepthwiseDerivation(catalog.backboneId()));
    }

    @Deactivate
    void deactivate() {
        offer.close();
    }
}
