package io.morphgate.operator.kit.derive;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.onnx.reference.ReferenceEvaluator;
import io.morphgate.onnx.reference.ReferenceEvaluator.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * Runs calibration samples through small graphs with the {@link ReferenceEvaluator}, a chunk of samples per call so
 * the evaluator's per-run set-up is shared but a chunk's intermediate tensors stay small.
 */
final class Calibration {
    static final int CHUNK = 4;

    private final SlotSpec slot;
    private final List<float[]> inputs;

    Calibration(SlotSpec slot, List<float[]> inputs) {
        int size = slot.input().elementCount();
        for (int n = 0; n < inputs.size(); n++) {
            if (inputs.get(n).length != size) {
                throw new IllegalArgumentException("calibration input " + n + " has " + inputs.get(n).length
                        + " values, slot " + slot.name() + " takes " + slot.input() + " = " + size);
            }
        }
        this.slot = slot;
        this.inputs = inputs;
    }

    /** The model's output per calibration input; {@code outputSize} floats each. */
    List<float[]> run(ModelProto model, int outputSize) {
        long[] shape = {0, slot.input().channels(), slot.input().height(), slot.input().width()};
        return runOn(model, inputs, shape, outputSize);
    }

    /**
     * The model's output per sample of {@code samples}: intermediate activations at the slot's convolution output
     * resolution with {@code channels} planes (e.g. conv outputs fed to a BN/activation/pool tail).
     */
    List<float[]> runOn(ModelProto model, List<float[]> samples, int channels, int outputSize) {
        long[] shape = {0, channels, slot.convolutionOutput().height(), slot.convolutionOutput().width()};
        return runOn(model, samples, shape, outputSize);
    }

    private static List<float[]> runOn(ModelProto model, List<float[]> samples, long[] sampleShape, int outputSize) {
        int size = samples.get(0).length;
        List<float[]> outputs = new ArrayList<>(samples.size());
        for (int start = 0; start < samples.size(); start += CHUNK) {
            if (Thread.currentThread().isInterrupted()) {
                // the operator is stopping: give up between chunks rather than finish seconds of work for nothing
                throw new CancellationException("calibration of " + model.getGraph().getName() + " cancelled");
            }
            int n = Math.min(CHUNK, samples.size() - start);
            float[] batch = new float[n * size];
            for (int i = 0; i < n; i++) {
                System.arraycopy(samples.get(start + i), 0, batch, i * size, size);
            }
            long[] shape = sampleShape.clone();
            shape[0] = n;
            float[] out = ReferenceEvaluator.run(model, new Tensor(shape, batch)).data();
            if (out.length != n * outputSize) {
                throw new IllegalStateException("model " + model.getGraph().getName() + " produced " + out.length
                        + " values for " + n + " samples, expected " + outputSize + " each");
            }
            for (int i = 0; i < n; i++) {
                outputs.add(Arrays.copyOfRange(out, i * outputSize, (i + 1) * outputSize));
            }
        }
        return outputs;
    }
}
