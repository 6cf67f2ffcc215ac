package io.morphgate.operator.lowrank.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Morphgate low-rank operator",
        description = "Which low-rank variants to offer: one per slot and beta, synthetic and derived.")
@interface LowRankConfiguration {

    @AttributeDefinition(description = "Rank ratios: the 1xk convolution has int(filters * beta) filters.")
    double[] betas() default {0.5, 0.25};

    @AttributeDefinition(description = "Kernel size k of the 1xk and kx1 convolutions (odd); derived variants use "
            + "the slot's kernel size.")
    int kernelSize() default 3;

    @AttributeDefinition(description = "Seed of the synthetic parameters (until trained ones ship).")
    long seed() default 42L;

    @AttributeDefinition(description = "Also offer data-free variants derived from the slots' trained kernels by "
            + "closed-form SVD.")
    boolean derived() default true;
}
