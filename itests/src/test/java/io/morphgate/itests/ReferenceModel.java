package io.morphgate.itests;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.osgi.framework.Bundle;

import io.morphgate.onnx.OnnxModelIO;
import io.morphgate.onnx.SlotBoundary;
import io.morphgate.onnx.reference.ReferenceEvaluator;
import io.morphgate.onnx.reference.ReferenceEvaluator.Substitution;
import io.morphgate.onnx.reference.ReferenceEvaluator.Tensor;

/**
 * The plain-Java reference forward pass of the backbone bundle's model, with slots substituted by variant
 * sub-graphs. Independent of ONNX Runtime and of the graph composer: it evaluates the backbone as shipped and runs a
 * variant's own graph wherever a slot's output is needed.
 */
final class ReferenceModel {

    private final BackboneFiles backbone;

    ReferenceModel(Bundle backboneBundle) {
        this.backbone = BackboneFiles.of(backboneBundle);
    }

    /** Class probabilities for each sample, with the given sub-graphs in place of their slots (slot -> ONNX bytes). */
    float[][] probabilities(List<float[]> samples, int[] chw, Map<String, byte[]> variantBySlot) {
        Map<String, Substitution> substitutions = new HashMap<>();
        variantBySlot.forEach((slot, bytes) -> {
            SlotBoundary boundary = backbone.slots().get(slot);
            substitutions.put(boundary.outputTensor(), new Substitution(boundary.inputTensor(), OnnxModelIO.read(bytes)));
        });
        int size = chw[0] * chw[1] * chw[2];
        float[] packed = new float[size * samples.size()];
        for (int i = 0; i < samples.size(); i++) {
            System.arraycopy(samples.get(i), 0, packed, i * size, size);
        }
        Tensor input = new Tensor(new long[] {samples.size(), chw[0], chw[1], chw[2]}, packed);
        Tensor logits = ReferenceEvaluator.run(backbone.model(), input, substitutions);
        int classes = (int) logits.shape()[1];
        float[][] out = new float[samples.size()][];
        for (int i = 0; i < samples.size(); i++) {
            out[i] = softmax(logits.data(), i * classes, classes);
        }
        return out;
    }

    private static float[] softmax(float[] logits, int offset, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, logits[offset + i]);
        }
        double sum = 0;
        double[] e = new double[n];
        for (int i = 0; i < n; i++) {
            e[i] = Math.exp(logits[offset + i] - max);
            sum += e[i];
        }
        float[] p = new float[n];
        for (int i = 0; i < n; i++) {
            p[i] = (float) (e[i] / sum);
        }
        return p;
    }
}
