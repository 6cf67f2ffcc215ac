package io.morphgate.operator.lowrank.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.slot.SlotWeights;
import io.morphgate.api.variant.VariantDescriptor;
import io.morphgate.operator.kit.DerivedVariants;
import io.morphgate.operator.kit.SeededParameters;
import io.morphgate.operator.kit.testing.FakeOperatorFramework;

/** What only the low-rank derivation does; what every derived variant promises is in the operator contract. */
class LowRankDerivationTest {

    private static final SlotSpec CONV2 = FakeOperatorFramework.SLOTS.get(1);
    private static final SlotWeights WEIGHTS = new SeededParameters(5).slotWeights(CONV2);

    private final LowRankDerivation derivation = new LowRankDerivation("backbone-7", List.of(0.5, 0.25));

    @Test
    void splitsTheKernelByClosedFormSvd() {
        VariantDescriptor d = derivation.derive(CONV2, WEIGHTS, List.of(), 0.5).orElseThrow().descriptor();
        assertTrue(d.provenanceDetail().contains("closed-form SVD") && d.provenanceDetail().contains("backbone-7"),
                d.provenanceDetail());
    }

    @Test
    void aHigherRankApproximatesTheKernelBetter() {
        // the kernel reshaped [(out,y)][(in,x)] is 96x96, so rank 96 would be exact; beta 1 gives rank 32 < 96
        assertTrue(kernelError(1.0) < kernelError(0.5), "a higher rank approximates better");
    }

    private double kernelError(double beta) {
        return Double.parseDouble(derivation.derive(CONV2, WEIGHTS, List.of(), beta).orElseThrow().descriptor()
                .hyperParameters().get(DerivedVariants.KERNEL_ERROR));
    }
}
