package io.morphgate.operator.multibranch.internal;

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
 * Offers one multi-branch variant per slot of even width and configured kernel size, each registered as its own
 * {@link OperatorVariant} service so that the backbone can bind, refuse or drop them one by one; every other slot
 * is listed in the operator's report with the reason.
 */
@Component(service = {}, immediate = true, configurationPid = "morphgate.operator.multibranch")
@Designate(ocd = MultiBranchConfiguration.class)
public class MultiBranchOperator {

    private final OperatorOffer offer;

    @Activate
    public MultiBranchOperator(BundleContext context, @Reference SlotCatalog catalog,
            MultiBranchConfiguration config) {
        MultiBranchBlock block = new MultiBranchBlock(config.seed());
        List<BlockVariant> variants = new ArrayList<>();
        List<SlotSkip> skipped = new ArrayList<>();
        for (SlotSpec slot : catalog.slots()) {
            for (int k : config.kernelSizes()) {
                MultiBranchBlock.whyNot(slot, k).ifPresentOrElse(
                        why -> skipped.add(new SlotSkip(OperatorKind.MULTI_BRANCH, slot.name(), why)),
                        () -> block.variant(slot, k).ifPresent(variants::add));
            }
        }
        offer = OperatorOffer.of(context, OperatorKind.MULTI_BRANCH, catalog,
                TrainedVariants.preferTrained(catalog, variants), skipped);
    }

    @Deactivate
    void deactivate() {
        offer.close();
    }
}
