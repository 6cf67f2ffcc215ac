package io.morphgate.operator.lowrank.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.slot.SlotWeights;
import io.morphgate.api.slot.TensorShape;
import io.morphgate.api.variant.Provenance;
import io.morphgate.api.variant.VariantDescriptor;
import io.morphgate.operator.kit.DerivedVariants;
import io.morphgate.operator.kit.SeededParameters;

class LowRankDerivationTest {

    private static final SlotSpec CONV2 = new SlotSpec("conv2", 1, new TensorShape(32, 14, 14),
            new TensorShape(32, 14, 14), 3, "conv3x3(32->32)+BN+ReLU", 0, 0);
    private static final SlotWeights WEIGHTS = new SeededParameters(5).slotWeights(CONV2);

    private final LowRankDerivation derivation = new LowRankDerivation("backbone-7");

    @Test
    void withoutCalibrationInputsTheSlotsBnIsSharedAndTheCostsAreTheSyntheticOnes() {
        VariantDescriptor d = derivation.derive(CONV2, WEIGHTS, List.of(), 0.5).orElseThrow().descriptor();
        assertEquals("lowrank-conv2-b0.5-derived", d.id());
        assertEquals(Provenance.DERIVED, d.provenance());
        // rank 16: 1x3 32->16 and 3x1 16->32 at 14x14, BN 32x14x14
        assertEquals(14L * 14 * 16 * 32 * 3 + 14L * 14 * 32 * 16 * 3 + 14L * 14 * 32, d.macs());
        assertEquals(16L * 32 * 3 + 32L * 16 * 3 + 2 * 32, d.params());
        assertEquals(new LowRankBlock(3, 42).variant(CONV2, 0.5).orElseThrow().descriptor().macs(), d.macs());
        assertEquals("NaN", d.hyperParameters().get(DerivedVariants.CALIBRATION_ERROR));
        double kernelError = Double.parseDouble(d.hyperParameters().get(DerivedVariants.KERNEL_ERROR));
        assertTrue(kernelError > 0 && kernelError < 1, "half rank keeps part of the kernel: " + kernelError);
        assertTrue(d.provenanceDetail().contains("closed-form SVD") && d.provenanceDetail().contains("backbone-7"),
                d.provenanceDetail());
    }

    @Test
    void aHigherRankApproximatesTheKernelBetter() {
        // the kernel reshaped [(out,y)][(in,x)] is 96x96, so rank 96 would be exact; beta 1 gives rank 32 < 96
        VariantDescriptor d = derivation.derive(CONV2, WEIGHTS, List.of(), 1.0).orElseThrow().descriptor();
        double half = Double.parseDouble(derivation.derive(CONV2, WEIGHTS, List.of(), 0.5).orElseThrow()
                .descriptor().hyperParameters().get(DerivedVariants.KERNEL_ERROR));
        assertTrue(Double.parseDouble(d.hyperParameters().get(DerivedVariants.KERNEL_ERROR)) < half,
                "a higher rank approximates better");
    }

    @Test
    void calibrationInputsRecalibrateBnAndMeasureTheOutputError() {
        Random random = new Random(3);
        List<float[]> inputs = List.of(sample(random), sample(random));
        VariantDescriptor d = derivation.derive(CONV2, WEIGHTS, inputs, 0.5).orElseThrow().descriptor();
        double error = Double.parseDouble(d.hyperParameters().get(DerivedVariants.CALIBRATION_ERROR));
        assertTrue(error >= 0 && error < 2, "output error " + error);
        assertTrue(d.provenanceDetail().contains("recalibrated on 2 inputs"), d.provenanceDetail());
    }

    private static float[] sample(Random random) {
        float[] x = new float[CONV2.input().elementCount()];
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.max(0f, (float) random.nextGaussian()); // post-ReLU activations
        }
        return x;
    }
}
