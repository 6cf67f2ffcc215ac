package io.morphgate.model.packaging;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.morphgate.onnx.CostCounter.ModelCost;
import io.morphgate.onnx.SlotDiscovery.Discovery;

/**
 * What the gateway will find in an ONNX file: its single input [N, C, H, W] and output [N, classes], its cost per
 * sample, and its candidate slots.
 *
 * @param bytes       the file as read (the jar carries it unchanged)
 * @param model       the parsed model
 * @param inputTensor the graph input's name
 * @param inputShape  the input as declared, symbolic dimensions -1
 * @param channels    C
 * @param height      H (from the graph, or --size where the graph leaves it symbolic)
 * @param width       W (likewise)
 * @param outputTensor the graph output's name
 * @param classes     the output's second dimension
 * @param cost        MACs and parameters for one sample
 * @param slots       candidate slots and the convolutions skipped
 */
public record InspectedModel(byte[] bytes, ModelProto model, String inputTensor, long[] inputShape, int channels,
        int height, int width, String outputTensor, int classes, ModelCost cost, Discovery slots) {

    /** True when the graph declares its input height or width as symbolic and --size fixed them. */
    public boolean sizeFromOption() {
        return inputShape[2] < 0 || inputShape[3] < 0;
    }

    /** "[N,3,224,224]" with symbolic dimensions as N. */
    public static String format(long[] shape) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            s.append(i == 0 ? "" : ",").append(shape[i] < 0 ? "N" : String.valueOf(shape[i]));
        }
        return s.append(']').toString();
    }
}
