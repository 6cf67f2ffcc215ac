package io.morphgate.serving.internal;

import io.morphgate.api.model.ModelDescriptor;
import io.morphgate.api.slot.TensorShape;

/**
 * What the decoders need to know about the model serving: its input and preprocessing (from its descriptor) and how
 * large an image the gateway decodes.
 *
 * @param input          the model's input and preprocessing
 * @param maxImagePixels the largest width x height an image may have before it is decoded
 */
record ModelInput(ModelDescriptor.Input input, long maxImagePixels) {

    TensorShape shape() {
        return input.shape();
    }
}
