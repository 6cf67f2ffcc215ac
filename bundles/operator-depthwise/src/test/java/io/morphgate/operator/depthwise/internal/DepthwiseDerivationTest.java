package io.morphgate.operator.depthwise.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.morphgate.api.slot.SlotWeights;
import io.morphgate.api.variant.Provenance;
import io.morphgate.api.variant.VariantDescriptor;
import io.morphgate.operator.kit.DerivedVariants;
import io.morphgate.operator.kit.SeededParameters;

class DepthwiseDerivationTest {

    private static final SlotWeights CONV4_WEIGHTS = new SeededParameters(5).slotWeights(DepthwiseBlockTest.CONV4);

    private final DepthwiseDerivation derivation = new DepthwiseDerivation("backbone-7");

    @Test
    void costsWhatTheSyntheticVariantCostsAndSaysHowItWasDerived() {
        VariantDescriptor d = derivation.derive(DepthwiseBlockTest.CONV4, CONV4_WEIGHTS, List.of(), 2).orElseThrow()
                .descriptor();
        assertEquals("depthwise-conv4-m2-derived", d.id());
        assertEquals(Provenance.DERIVED, d.provenance());
        assertEquals(460_992L, d.macs()); // as the synthetic depthwise-conv4-m2
        assertEquals(9_600L, d.params());
        assertTrue(d.provenanceDetail().contains("per-channel SVD") && d.provenanceDetail().contains("backbone-7"),
                d.provenanceDetail());
        assertEquals("NaN", d.hyperParameters().get(DerivedVariants.CALIBRATION_ERROR));
    }

    @Test
    void moreFiltersPerChannelApproximateTheKernelBetter() {
        assertTrue(kernelError(2) < kernelError(1));
        assertTrue(kernelError(1) > 0);
    }

    @Test
    void recalibratesOnCalibrationInputs() {
        Random random = new Random(4);
        float[] x = new float[DepthwiseBlockTest.CONV4.input().elementCount()];
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.max(0f, (float) random.nextGaussian());
        }
        VariantDescriptor d = derivation.derive(DepthwiseBlockTest.CONV4, CONV4_WEIGHTS, List.of(x, x), 1)
                .orElseThrow().descriptor();
        assertTrue(d.provenanceDetail().contains("recalibrated on 2 inputs"), d.provenanceDetail());
        assertTrue(Double.isFinite(Double.parseDouble(d.hyperParameters().get(DerivedVariants.CALIBRATION_ERROR))));
    }

    private double kernelError(int m) {
        return Double.parseDouble(derivation.derive(DepthwiseBlockTest.CONV4, CONV4_WEIGHTS, List.of(), m)
                .orElseThrow().descriptor().hyperParameters().get(DerivedVariants.KERNEL_ERROR));
    }
}
