package io.morphgate.api.variant;

/** Where a variant's parameters come from. */
public enum Provenance {
    /** Its own parameters, trained with the backbone frozen (parameter separation). */
    TRAINED,
    /** Computed from the slot's trained weights when the variant is created (parameter sharing, data-free). */
    DERIVED,
    /** Fixed-seed parameters: right shapes, no training. Good for plumbing and tests, not for accuracy. */
    SYNTHETIC
}
