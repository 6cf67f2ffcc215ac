package io.morphgate.operator.bottleneck.internal;

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

class BottleneckDerivationTest {

    private static final SlotWeights CONV3_WEIGHTS = new SeededParameters(5).slotWeights(BottleneckBlockTest.CONV3);

    private final BottleneckDerivation derivation = new BottleneckDerivation("backbone-7");

    @Test
    void sharesTheSlotsBnWithoutCalibrationAndCostsWhatTheSyntheticVariantCosts() {
        VariantDescriptor d = derivation.derive(BottleneckBlockTest.CONV3, CONV3_WEIGHTS, List.of(), 0.25)
                .orElseThrow().descriptor();
        assertEquals("bottleneck-conv3-b0.25-derived", d.id());
        assertEquals(Provenance.DERIVED, d.provenance());
        assertEquals(765_184L, d.macs()); // as the synthetic bottleneck-conv3-b0.25
        assertEquals(3_968L, d.params());
        assertTrue(d.provenanceDetail().contains("Tucker-2 HOSVD") && d.provenanceDetail().contains("backbone-7"),
                d.provenanceDetail());
        double kernelError = Double.parseDouble(d.hyperParameters().get(DerivedVariants.KERNEL_ERROR));
        assertTrue(kernelError > 0 && kernelError < 1, "kernel error " + kernelError);
        assertEquals("NaN", d.hyperParameters().get(DerivedVariants.CALIBRATION_ERROR));
    }

    @Test
    void aWiderBottleneckApproximatesTheKernelBetter() {
        assertTrue(kernelError(0.5) < kernelError(0.25));
    }

    @Test
    void recalibratesOnCalibrationInputs() {
        Random random = new Random(9);
        float[] x = new float[BottleneckBlockTest.CONV3.input().elementCount()];
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.max(0f, (float) random.nextGaussian());
        }
        VariantDescriptor d = derivation.derive(BottleneckBlockTest.CONV3, CONV3_WEIGHTS, List.of(x), 0.5)
                .orElseThrow().descriptor();
        assertTrue(d.provenanceDetail().contains("recalibrated on 1 inputs"), d.provenanceDetail());
        assertTrue(Double.isFinite(Double.parseDouble(d.hyperParameters().get(DerivedVariants.CALIBRATION_ERROR))));
    }

    private double kernelError(double beta) {
        return Double.parseDouble(derivation.derive(BottleneckBlockTest.CONV3, CONV3_WEIGHTS, List.of(), beta)
                .orElseThrow().descriptor().hyperParameters().get(DerivedVariants.KERNEL_ERROR));
    }
}
