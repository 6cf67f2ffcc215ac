package io.morphgate.api.inference;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

import io.morphgate.api.model.ModelDescriptor;
import io.morphgate.api.slot.TensorShape;

/**
 * Classifies inputs with the model that is serving at the time of the call. A swap never fails a call: a request that
 * started on a composed model finishes on it.
 */
@ProviderType
public interface InferenceService {

    /**
     * The serving model: its input shape and preprocessing (applied with {@code io.morphgate.model.Preprocessing}),
     * labels and identity; empty while no model serves.
     *
     * @since 2.0
     */
    Optional<ModelDescriptor> model();

    /**
     * Shape of one input sample of the serving model, e.g. 1x28x28.
     *
     * @throws InferenceException with {@code NOT_READY} while no model serves
     */
    TensorShape inputShape();

    /**
     * Class labels of the serving model, in the order of {@link InferenceResult#probabilities()}; class indices when
     * the model names none; empty while no model serves.
     */
    List<String> labels();

    /**
     * Classifies one sample given as row-major C*H*W floats, already normalised as in training.
     *
     * @throws InferenceException with {@code WRONG_SHAPE}, {@code INVALID_VALUE}, {@code NOT_READY} or
     *                            {@code RUNTIME_FAILURE}
     */
    InferenceResult infer(float[] input);

    /** Classifies several samples in one run of the model; all results name the same configuration. */
    List<InferenceResult> inferBatch(List<float[]> inputs);

    /** Requests, failures and latency over the last minute. */
    ServingStatistics statistics();

    /**
     * Requests, failures and latency over the last {@code seconds} (1 to 60): what a policy reads to follow the
     * current load.
     *
     * @since 1.1
     */
    ServingStatistics statistics(int seconds);
}
