package io.morphgate.operator.bottleneck.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Morphgate bottleneck operator",
        description = "Which bottleneck variants to offer: one per slot and beta, synthetic and derived.")
@interface BottleneckConfiguration {

    @AttributeDefinition(description = "Bottleneck ratios: the reduce and middle convolutions have "
            + "int(filters * beta) filters.")
    double[] betas() default {0.5, 0.25};

    @AttributeDefinition(description = "Seed of the synthetic parameters (until trained ones ship).")
    long seed() default 42L;

    @AttributeDefinition(description = "Also offer data-free variants derived from the slots' trained kernels by "
            + "Tucker-2 HOSVD.")
    boolean derived() default true;
}
