package io.morphgate.operator.bottleneck.internal;

import java.util.List;
import java.util.Optional;

import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.slot.SlotWeights;
import io.morphgate.api.variant.OperatorKind;
import io.morphgate.operator.kit.BlockVariant;
import io.morphgate.operator.kit.DerivedVariants;
import io.morphgate.operator.kit.derive.DerivedBlock;
import io.morphgate.operator.kit.derive.KernelFactorization;
import io.morphgate.operator.kit.derive.KernelFactorization.Tucker2Factors;

/**
 * The data-free bottleneck variant of a slot: its trained kxk kernel decomposed by Tucker-2 (truncated HOSVD over
 * the input and output channel modes) into exactly the bottleneck's 1x1 reduce, kxk core and 1x1 expand, so the
 * variant starts from the slot's training. Same graph and costs as the synthetic variant of the same beta; id
 * {@code bottleneck-<slot>-b<beta>-derived}.
 */
public final class BottleneckDerivation implements DerivedVariants.Derivation<Double> {

    private final String backboneId;

    public BottleneckDerivation(String backboneId) {
        this.backboneId = backboneId;
    }

    @Override
    public Optional<BlockVariant> derive(SlotSpec slot, SlotWeights weights, List<float[]> calibrationInputs,
            Double beta) {
        int f1 = BottleneckBlock.width(slot, beta);
        if (f1 < 1) {
            return Optional.empty();
        }
        Tucker2Factors f = KernelFactorization.tucker2(weights, f1);
        int in = weights.inChannels();
        int out = weights.outChannels();
        int k = weights.kernelSize();
        String id = BottleneckBlock.id(slot, beta) + "-derived";
        DerivedBlock.Result result = DerivedBlock.build(id, slot, weights, calibrationInputs,
                (g, x) -> BottleneckBlock.convolutions(g, x, in, out, f1, k, slot.stride(), f.reduce(), f.core(),
                        f.expand()));
        return Optional.of(DerivedVariants.of(id, OperatorKind.BOTTLENECK, slot,
                BottleneckBlock.hyperParameters(beta, k, f1), "Tucker-2 HOSVD", backboneId, f.relativeKernelError(),
                result));
    }
}
