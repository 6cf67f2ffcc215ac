package io.morphgate.operator.fire.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Morphgate fire operator",
        description = "Which fire (SqueezeNet) variants to offer: one per downsampling slot and squeeze ratio.")
@interface FireConfiguration {

    @AttributeDefinition(description = "Squeeze ratios: the squeeze convolution has int(filters * ratio) filters. "
            + "The article's two configurations are 1/8 (its code: int(filters/8*alpha), then e = 4s) and 1/4.")
    double[] squeezeRatios() default {0.125, 0.25};

    @AttributeDefinition(description = "Seed of the synthetic parameters (until trained ones ship).")
    long seed() default 42L;
}
