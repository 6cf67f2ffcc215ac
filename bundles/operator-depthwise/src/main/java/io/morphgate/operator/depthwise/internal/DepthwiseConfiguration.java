package io.morphgate.operator.depthwise.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Morphgate depthwise-separable operator",
        description = "Which depthwise-separable variants to offer: one per slot and depth multiplier, synthetic and "
                + "derived.")
@interface DepthwiseConfiguration {

    @AttributeDefinition(description = "Depth multipliers m: the depthwise convolution has in * m filters.")
    int[] depthMultipliers() default {1, 2};

    @AttributeDefinition(description = "Seed of the synthetic parameters (until trained ones ship).")
    long seed() default 42L;

    @AttributeDefinition(description = "Also offer data-free variants derived from the slots' trained kernels by "
            + "per-channel SVD.")
    boolean derived() default true;
}
