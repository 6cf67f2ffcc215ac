package io.morphgate.operator.bottleneck.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.slot.SlotWeights;
import io.morphgate.api.variant.VariantDescriptor;
import io.morphgate.operator.kit.DerivedVariants;
import io.morphgate.operator.kit.SeededParameters;
import io.morphgate.operator.kit.testing.FakeOperatorFramework;

/** What only the bottleneck derivation does; what every derived variant promises is in the operator contract. */
class BottleneckDerivationTest {

    private static final SlotSpec CONV3 = FakeOperatorFramework.SLOTS.get(2);
    private static final SlotWeights CONV3_WEIGHTS = new SeededParameters(5).slotWeights(CONV3);

    private final BottleneckDerivation derivation = new BottleneckDerivation("backbone-7");

    @Test
    void factorisesTheKernelByTucker2Hosvd() {
        VariantDescriptor d = derivation.derive(CONV3, CONV3_WEIGHTS, List.of(), 0.25).orElseThrow().descriptor();
        assertTrue(d.provenanceDetail().contains("Tucker-2 HOSVD") && d.provenanceDetail().contains("backbone-7"),
                d.provenanceDetail());
    }

    @Test
    void aWiderBottleneckApproximatesTheKernelBetter() {
        assertTrue(kernelError(0.5) < kernelError(0.25));
    }

    private double kernelError(double beta) {
        return Double.parseDouble(derivation.derive(CONV3, CONV3_WEIGHTS, List.of(), beta)
                .orElseThrow().descriptor().hyperParameters().get(DerivedVariants.KERNEL_ERROR));
    }
}
