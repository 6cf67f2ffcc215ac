package io.morphgate.api.inference;

/**
 * The answer to one input.
 *
 * @param probabilities   class probabilities (softmax of the model's logits), one per label
 * @param predictedClass  index of the most probable class
 * @param configurationId id of the configuration that served the request (see {@code model.Configuration})
 * @param generation      generation of the composed model that served it; increases with every swap
 * @param latencyNanos    time spent in the model for this request (for a batch, the batch's time)
 */
public record InferenceResult(float[] probabilities, int predictedClass, String configurationId, long generation,
        long latencyNanos) {
}
