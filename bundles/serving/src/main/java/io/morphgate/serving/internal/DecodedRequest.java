package io.morphgate.serving.internal;

import io.morphgate.api.model.ModelDescriptor;

/**
 * A request in the queue: its body, and its input as decoded for the model that served when it arrived. If another
 * model serves by the time its batch runs, the body is decoded again for that one.
 */
record DecodedRequest(String mediaType, byte[] body, ModelDescriptor decodedFor, float[] input) {

    float[] inputFor(ModelDescriptor serving, InputDecoder decoder, long maxImagePixels) {
        // the same instance while one model serves: no deep comparison of descriptors (labels and all) per request
        if (serving == null || serving == decodedFor || serving.equals(decodedFor)) {
            return input;
        }
        return decoder.decode(mediaType, body, new ModelInput(serving.input(), maxImagePixels));
    }
}
