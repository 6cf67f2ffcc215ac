package io.morphgate.api.variant;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What an operator says about its offer for the model serving, beside the variants it registers: the slots it skips
 * and why, and how its background derivation goes. Registered by each operator component next to its variants (one
 * service per component, with the service properties {@link VariantProperties#OPERATOR} and
 * {@link VariantProperties#BACKBONE_ID}) and withdrawn with them. The operator only reads the slots it was given; it
 * knows nothing of which model they belong to, and whoever lists the report (the control link, the status page)
 * matches {@link #backboneId()} with the model serving.
 *
 * @since 1.3
 */
@ProviderType
public interface OfferReport {

    /** The operator reporting. */
    OperatorKind operator();

    /** The parameters the offer was made for, as {@link VariantProperties#BACKBONE_ID}. */
    String backboneId();

    /** The slots skipped so far, in slot order: those decided at activation, and any the derivation adds. */
    List<SlotSkip> skipped();

    /** The derivation's progress now; empty when the operator derives nothing. */
    Optional<DerivationProgress> derivation();
}
