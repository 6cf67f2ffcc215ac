package io.morphgate.api.variant;

/** Service property names every {@link OperatorVariant} registration carries. */
public final class VariantProperties {

    /** Name of the slot the variant replaces. */
    public static final String SLOT = "morphgate.slot";
    /** Id of the variant, equal to {@link VariantDescriptor#id()}. */
    public static final String VARIANT_ID = "morphgate.variant.id";
    /** The operator, the name of an {@link OperatorKind}. */
    public static final String OPERATOR = "morphgate.operator";
    /**
     * The parameters the variant was made for, equal to the {@link io.morphgate.api.slot.SlotCatalog#backboneId()}
     * of the catalog it was made from. The backbone takes a variant only for the model serving; a registration
     * without it is taken for whichever model serves (variants of API 1.0 operators).
     *
     * @since 1.1
     */
    public static final String BACKBONE_ID = "morphgate.backbone.id";
    /**
     * The {@code osgi.condition.id} of the {@code org.osgi.service.condition.Condition} an operator registers once it
     * has registered every variant it offers, derived ones (computed in the background after activation) included.
     * It carries {@link #BACKBONE_ID} too, and goes when the variants go. Whoever judges a started operator bundle
     * (the deployer's health check) waits for it instead of guessing from a quiet period when the last variant has
     * come.
     *
     * @since 1.2
     */
    public static final String OFFER_COMPLETE = "morphgate.variants.offered";
    /**
     * {@code Boolean.TRUE} on every variant of an operator that registers the {@link #OFFER_COMPLETE} condition: from
     * its first variant on, whoever judges the bundle knows to wait for that condition. Variants without it come from
     * operators that never say when their offer is complete (API 1.1 operators).
     *
     * @since 1.2
     */
    public static final String ANNOUNCES_OFFER = "morphgate.variants.announced";

    private VariantProperties() {
    }
}
