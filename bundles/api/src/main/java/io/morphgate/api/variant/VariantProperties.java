package io.morphgate.api.variant;

/** Service property names every {@link OperatorVariant} registration carries. */
public final class VariantProperties {

    /** Name of the slot the variant replaces. */
    public static final String SLOT = "morphgate.slot";
    /** Id of the variant, equal to {@link VariantDescriptor#id()}. */
    public static final String VARIANT_ID = "morphgate.variant.id";
    /** The operator, the name of an {@link OperatorKind}. */
    public static final String OPERATOR = "morphgate.operator";

    private VariantProperties() {
    }
}
