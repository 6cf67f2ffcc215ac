package io.morphgate.operator.depthwise.internal;

import java.util.List;
import java.util.Optional;

import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.slot.SlotWeights;
import io.morphgate.api.variant.OperatorKind;
import io.morphgate.operator.kit.BlockVariant;
import io.morphgate.operator.kit.DerivedVariants;
import io.morphgate.operator.kit.derive.DerivedBlock;
import io.morphgate.operator.kit.derive.KernelFactorization;
import io.morphgate.operator.kit.derive.KernelFactorization.DepthwiseFactors;

/**
 * The data-free depthwise-separable variant of a slot: for every input channel, the slot's kernel slice
 * {@code [out][k*k]} split by SVD into m depthwise kxk filters and their pointwise weights, so the variant starts
 * from the slot's training. Nothing in the kernel gives the depthwise bias, so it is zero: same graph and costs as the
 * synthetic variant of the same multiplier. Id {@code depthwise-<slot>-m<m>-derived}.
 */
public final class DepthwiseDerivation implements DerivedVariants.Derivation<Integer> {

    private final String backboneId;

    public DepthwiseDerivation(String backboneId) {
        this.backboneId = backboneId;
    }

    @Override
    public Optional<BlockVariant> derive(SlotSpec slot, SlotWeights weights, List<float[]> calibrationInputs,
            Integer m) {
        if (!DepthwiseBlock.fits(slot, m)) {
            return Optional.empty();
        }
        DepthwiseFactors f = KernelFactorization.depthwise(weights, m);
        int in = weights.inChannels();
        int out = weights.outChannels();
        int k = weights.kernelSize();
        String id = DepthwiseBlock.id(slot, m) + "-derived";
        DerivedBlock.Result result = DerivedBlock.build(id, slot, weights, calibrationInputs,
                (g, x) -> DepthwiseBlock.convolutions(g, x, in, out, m, k, k / 2, slot.stride(), f.depthwise(), new float[in * m],
                        f.pointwise()));
        return Optional.of(DerivedVariants.of(id, OperatorKind.DEPTHWISE_SEPARABLE, slot,
                DepthwiseBlock.hyperParameters(m, k), "per-channel SVD", backboneId, f.relativeKernelError(),
                result));
    }
}
