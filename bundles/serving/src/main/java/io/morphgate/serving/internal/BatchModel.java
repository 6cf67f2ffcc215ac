package io.morphgate.serving.internal;

import java.util.List;

import io.morphgate.api.inference.InferenceResult;
import io.morphgate.api.model.ModelDescriptor;
import io.morphgate.api.serving.ServingException;

/**
 * How queued requests reach the model. A request is decoded for the model serving when it arrives (so bad input is
 * refused at once), and prepared again when its batch runs if another model serves by then: a model switch fails no
 * request that the new model can take.
 *
 * @param <T> a queued request
 */
interface BatchModel<T> {

    /** The model serving now; null when none does or it is not known. */
    ModelDescriptor serving();

    /** The input for {@code request} as {@code serving} takes it; throws for this request alone. */
    float[] prepare(T request, ModelDescriptor serving) throws ServingException;

    /** Runs one batch on the model serving. */
    List<InferenceResult> infer(List<float[]> inputs);
}
