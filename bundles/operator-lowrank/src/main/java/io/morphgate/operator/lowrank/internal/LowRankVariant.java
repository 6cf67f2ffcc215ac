package io.morphgate.operator.lowrank.internal;

import io.morphgate.api.variant.OperatorVariant;
import io.morphgate.api.variant.VariantDescriptor;

/** An immutable low-rank variant: its descriptor and serialized sub-graph. */
final class LowRankVariant implements OperatorVariant {

    private final VariantDescriptor descriptor;
    private final byte[] subGraph;

    LowRankVariant(VariantDescriptor descriptor, byte[] subGraph) {
        this.descriptor = descriptor;
        this.subGraph = subGraph;
    }

    @Override
    public VariantDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public byte[] subGraph() {
        return subGraph.clone();
    }

    @Override
    public String toString() {
        return descriptor.id();
    }
}
