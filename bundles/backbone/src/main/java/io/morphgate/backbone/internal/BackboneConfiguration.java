package io.morphgate.backbone.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Morphgate backbone", description = "Composition and serving of the backbone model.")
@interface BackboneConfiguration {

    @AttributeDefinition(description = "Pins as slot=variantId; a pinned slot takes that variant whenever it is "
            + "bound and accepted. slot=default holds a slot on its default layer.")
    String[] pins() default {};

    @AttributeDefinition(description = "Inferences run on a new session before it serves.")
    int warmupRuns() default 3;

    @AttributeDefinition(description = "Milliseconds to wait after a change before composing, so that a burst of "
            + "binds or unbinds (a bundle starting or stopping) becomes one swap.")
    long coalesceMillis() default 20;

    @AttributeDefinition(description = "How many recent swaps the model status keeps.")
    int recentSwapsKept() default 20;

    @AttributeDefinition(description = "What fills a slot that is neither pinned nor planned by the policy (no "
            + "policy runs): DEFAULT_LAYER, the model's own layer (variants are offered, not imposed), or "
            + "HIGHEST_RANKED, the accepted variant with the highest service.ranking, the most recently bound first.")
    UnplannedSlots unplannedSlots() default UnplannedSlots.DEFAULT_LAYER;

    @AttributeDefinition(description = "ONNX Runtime intra-op threads per session; 0 lets ONNX Runtime decide. "
            + "Read when the backbone starts.")
    int intraOpThreads() default 0;

    @AttributeDefinition(description = "Whether ONNX Runtime's idle intra-op threads spin (busy-wait) for work; "
            + "spinning costs a busy small gateway more than it saves. Read when the backbone starts.")
    boolean allowSpinning() default false;
}
