package io.morphgate.backbone.internal;

/** What fills a slot that is neither pinned nor named by a policy's plan (there is no plan: no policy runs). */
enum UnplannedSlots {
    /** The model's own layer: variants are offered, not imposed. The default. */
    DEFAULT_LAYER,
    /** The accepted variant with the highest {@code service.ranking}, the most recently bound first among equals. */
    HIGHEST_RANKED
}
