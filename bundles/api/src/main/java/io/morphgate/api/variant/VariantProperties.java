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

    private VariantProperties() {
    }
}
