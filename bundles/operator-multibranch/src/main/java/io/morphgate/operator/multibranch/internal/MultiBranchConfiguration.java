package io.morphgate.operator.multibranch.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Morphgate multi-branch operator",
        description = "Which multi-branch (inception_block) variants to offer: one per slot and kernel size.")
@interface MultiBranchConfiguration {

    @AttributeDefinition(description = "Kernel sizes k of the parallel 1xk and kx1 branches (odd; the article uses "
            + "3, optionally 5).")
    int[] kernelSizes() default {3};

    @AttributeDefinition(description = "Seed of the synthetic parameters (until trained ones ship).")
    long seed() default 42L;
}
