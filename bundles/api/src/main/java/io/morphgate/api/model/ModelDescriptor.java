package io.morphgate.api.model;

import java.util.List;

import io.morphgate.api.slot.TensorShape;

/**
 * What a model bundle says about its model ({@code model/model.json}, see {@code docs/models.md}): its identity, the
 * ONNX file, how an image becomes its input, its output and labels, and optional calibration images and accuracy.
 * Paths are relative to the descriptor. Validated by {@code io.morphgate.model.ModelDescriptors} when read.
 *
 * @param id           stable model id, e.g. {@code resnet18-imagenet}: letters, digits, '.', '_' and '-'
 * @param version      the model's version, e.g. {@code 1.0.0}
 * @param description  free text, may be null
 * @param onnx         the ONNX file
 * @param input        the input tensor and its preprocessing
 * @param output       the output tensor
 * @param labels       class labels in output order; empty: the classes are named by their index
 * @param calibration  calibration images (IDX of unsigned bytes, at the input's size), or null
 * @param slots        a hand-written slot manifest (the built-in Fashion-MNIST model's {@code slots.json}), or null
 * @param testAccuracy the full model's accuracy on its test set as its trainer measured it, or null
 * @since 1.2
 */
public record ModelDescriptor(String id, String version, String description, String onnx, Input input,
        Output output, List<String> labels, String calibration, String slots, Double testAccuracy) {

    /**
     * The model input and how an image becomes it: the image is scaled so that its shorter side is {@code resize}
     * pixels (0: scaled straight to height x width), centre-cropped to height x width, its pixels mapped to [0, 1] in
     * {@code channelOrder} (one channel: BT.601 luminance), then {@code (value - mean[c]) / std[c]} per channel, laid
     * out C x H x W.
     *
     * @param tensor       the graph input's name
     * @param channels     1 (grey) or 3 (colour)
     * @param height       input height
     * @param width        input width
     * @param resize       shorter side before the centre crop, or 0
     * @param channelOrder order of the colour channels (ignored with one channel)
     * @param mean         per-channel mean, one value per channel
     * @param std          per-channel standard deviation, one positive value per channel
     */
    public record Input(String tensor, int channels, int height, int width, int resize, ChannelOrder channelOrder,
            List<Double> mean, List<Double> std) {

        /** The shape of one sample. */
        public TensorShape shape() {
            return new TensorShape(channels, height, width);
        }
    }

    /** The graph output that holds the class scores (logits, or probabilities). */
    public record Output(String tensor) {
    }

    /** Order of the colour channels in the input tensor. */
    public enum ChannelOrder {
        RGB, BGR
    }
}
