package io.morphgate.api.variant;

/** The five compression operators. */
public enum OperatorKind {
    /** 1x1 reduce, kxk, 1x1 expand, BN, ReLU. */
    BOTTLENECK,
    /** 1xk then kx1 convolutions, BN, ReLU. */
    LOW_RANK,
    /** Parallel 1xk and kx1 branches concatenated, BN, ReLU. */
    MULTI_BRANCH,
    /** SqueezeNet fire module followed by a 2x2 max-pool. */
    FIRE,
    /** kxk depthwise then 1x1 pointwise convolution, BN, ReLU. */
    DEPTHWISE_SEPARABLE
}
