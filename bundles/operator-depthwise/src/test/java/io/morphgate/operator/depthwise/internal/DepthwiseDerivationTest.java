package io.morphgate.operator.depthwise.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.slot.SlotWeights;
import io.morphgate.api.variant.VariantDescriptor;
import io.morphgate.operator.kit.DerivedVariants;
import io.morphgate.operator.kit.SeededParameters;
import io.morphgate.operator.kit.testing.FakeOperatorFramework;

/** What only the depthwise derivation does; what every derived variant promises is in the operator contract. */
class DepthwiseDerivationTest {

    private static final SlotSpec CONV4 = FakeOperatorFramework.SLOTS.get(3);
    private static final SlotWeights CONV4_WEIGHTS = new SeededParameters(5).slotWeights(CONV4);

    private final DepthwiseDerivation derivation = new DepthwiseDerivation("backbone-7");

    @Test
    void factorisesEachChannelsKernelBySvd() {
        VariantDescriptor d = derivation.derive(CONV4, CONV4_WEIGHTS, List.of(), 2).orElseThrow().descriptor();
        assertTrue(d.provenanceDetail().contains("per-channel SVD") && d.provenanceDetail().contains("backbone-7"),
                d.provenanceDetail());
    }

    @Test
    void moreFiltersPerChannelApproximateTheKernelBetter() {
        assertTrue(kernelError(2) < kernelError(1));
        assertTrue(kernelError(1) > 0);
    }

    private double kernelError(int m) {
        return Double.parseDouble(derivation.derive(CONV4, CONV4_WEIGHTS, List.of(), m)
                .orElseThrow().descriptor().hyperParameters().get(DerivedVariants.KERNEL_ERROR));
    }
}
