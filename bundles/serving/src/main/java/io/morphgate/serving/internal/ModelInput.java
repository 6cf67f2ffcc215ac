package io.morphgate.serving.internal;

import io.morphgate.api.inference.Normalization;
import io.morphgate.api.slot.TensorShape;

/**
 * What the decoders need to know about the model: the shape of one sample and how pixels are normalised.
 *
 * @param maxImagePixels the largest width x height an image may have before it is decoded
 */
record ModelInput(TensorShape shape, Normalization normalization, long maxImagePixels) {
}
