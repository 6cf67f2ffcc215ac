package io.morphgate.backbone.internal;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.morphgate.api.inference.InferenceException;
import io.morphgate.api.inference.InferenceException.Code;
import io.morphgate.api.inference.InferenceResult;
import io.morphgate.api.slot.TensorShape;

/**
 * Runs requests on whichever composed model is serving, and switches to a new one atomically. A request takes a
 * reference on the model it starts with, so a switch (or shutdown) never closes a session under a running request.
 */
final class ServingModel implements AutoCloseable {

    private final OrtEnvironment environment;
    private final AtomicReference<ComposedModel> current = new AtomicReference<>();

    ServingModel(OrtEnvironment environment) {
        this.environment = environment;
    }

    /** Makes {@code next} the serving model; the previous one closes when its last request ends. */
    void switchTo(ComposedModel next) {
        ComposedModel previous = current.getAndSet(next);
        if (previous != null) {
            previous.close();
        }
    }

    Optional<ComposedModel> current() {
        return Optional.ofNullable(current.get());
    }

    InferenceResult infer(float[] input) {
        return inferBatch(List.of(input)).get(0);
    }

    List<InferenceResult> inferBatch(List<float[]> inputs) {
        if (inputs.isEmpty()) {
            return List.of();
        }
        ComposedModel model = acquire();
        try {
            return runOn(model, inputs);
        } finally {
            model.release();
        }
    }

    /**
     * Runs on a specific model, e.g. to warm it up before it serves; one run per input when the model takes batches
     * of one only.
     */
    List<InferenceResult> runOn(ComposedModel model, List<float[]> inputs) {
        TensorShape inputShape = model.model().inputShape();
        if (!model.model().batchOfOne() || inputs.size() == 1) {
            return run(model, pack(inputs, inputShape), inputs.size());
        }
        List<InferenceResult> results = new ArrayList<>(inputs.size());
        for (float[] input : inputs) {
            results.addAll(run(model, pack(List.of(input), inputShape), 1));
        }
        return results;
    }

    private List<InferenceResult> run(ComposedModel model, FloatBuffer packed, int batch) {
        long started = System.nanoTime();
        TensorShape inputShape = model.model().inputShape();
        long[] shape = {batch, inputShape.channels(), inputShape.height(), inputShape.width()};
        try (OnnxTensor tensor = OnnxTensor.createTensor(environment, packed, shape);
                OrtSession.Result result = model.session().run(java.util.Map.of(model.inputName(), tensor))) {
            String output = model.model().descriptor().output().tensor();
            float[][] logits = (float[][]) result.get(output).orElseThrow(() -> new InferenceException(
                    Code.RUNTIME_FAILURE, "the model gave no output " + output)).getValue();
            long elapsed = System.nanoTime() - started;
            List<InferenceResult> results = new ArrayList<>(batch);
            for (float[] row : logits) {
                results.add(toResult(row, model, elapsed));
            }
            return results;
        } catch (OrtException e) {
            throw new InferenceException(Code.RUNTIME_FAILURE,
                    "ONNX Runtime failed on configuration " + model.configuration().id() + ": " + e.getMessage(), e);
        }
    }

    private ComposedModel acquire() {
        while (true) {
            ComposedModel model = current.get();
            if (model == null) {
                throw new InferenceException(Code.NOT_READY, "no model is serving (none installed, or none could be"
                        + " served: see the status)");
            }
            if (model.tryAcquire()) {
                return model;
            }
            if (current.get() == model) {
                throw new InferenceException(Code.NOT_READY, "the backbone is shutting down");
            }
            // else: a swap retired it between get() and tryAcquire(); take the new one
        }
    }

    private static FloatBuffer pack(List<float[]> inputs, TensorShape inputShape) {
        int size = inputShape.elementCount();
        FloatBuffer buffer = FloatBuffer.allocate(size * inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            float[] input = inputs.get(i);
            if (input == null || input.length != size) {
                throw new InferenceException(Code.WRONG_SHAPE, "input " + i + " has "
                        + (input == null ? "no" : String.valueOf(input.length)) + " values; the model serving takes "
                        + inputShape + " = " + size);
            }
            for (float v : input) {
                if (!Float.isFinite(v)) {
                    throw new InferenceException(Code.INVALID_VALUE, "input " + i + " contains " + v);
                }
            }
            buffer.put(input);
        }
        return buffer.flip();
    }

    private InferenceResult toResult(float[] logits, ComposedModel model, long elapsedNanos) {
        if (logits.length != model.model().classCount()) {
            throw new InferenceException(Code.RUNTIME_FAILURE,
                    "model gave " + logits.length + " scores, expected " + model.model().classCount());
        }
        float[] probabilities = Softmax.of(logits);
        int best = 0;
        for (int i = 1; i < probabilities.length; i++) {
            if (probabilities[i] > probabilities[best]) {
                best = i;
            }
        }
        return new InferenceResult(probabilities, best, model.configuration().id(), model.generation(), elapsedNanos);
    }

    /** Stops serving; the last model closes when its last request ends. */
    @Override
    public void close() {
        switchTo(null);
    }
}
