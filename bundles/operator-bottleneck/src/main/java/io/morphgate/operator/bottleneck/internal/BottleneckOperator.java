package io.morphgate.operator.bottleneck.internal;

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
 * Offers one bottleneck variant per slot and configured beta, each registered as its own {@link OperatorVariant}
 * service so that the backbone can bind, refuse or drop them one by one; and, unless turned off, one derived from the
 * slot's trained kernel per slot and beta. Derivation runs in the background and its
 * variants are registered together when it is done.
 */
@Component(service = {}, immediate = true, configurationPid = "morphgate.operator.bottleneck")
@Designate(ocd = BottleneckConfiguration.class)
public class BottleneckOperator {

    private final OperatorOffer offer;

    @Activate
    public BottleneckOperator(BundleContext context, @Reference SlotCatalog catalog,
            BottleneckConfiguration config) {
        BottleneckBlock block = new BottleneckBlock(config.seed());
        List<BlockVariant> variants = new ArrayList<>();
        List<SlotSkip> skipped = new ArrayList<>();
        for (SlotSpec slot : catalog.slots()) {
            for (double beta : config.betas()) {
                BottleneckBlock.whyNot(slot, beta).ifPresentOrElse(
                        why -> skipped.add(new SlotSkip(OperatorKind.BOTTLENECK, slot.name(), why)),
                        () -> block.variant(slot, beta).ifPresent(variants::add));
            }
        }
        offer = OperatorOffer.of(context, OperatorKind.BOTTLENECK, catalog,
                TrainedVariants.preferTrained(catalog, variants), skipped,
                config.derived() ? Arrays.stream(config.betas()).boxed().toList() : List.of(),
                new BottleneckDerivation(catalog.backboneId()));
    }

    @Deactivate
    void deactivate() {
        offer.close();
    }
}
