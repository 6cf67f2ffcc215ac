package io.morphgate.operator.kit.derive;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.slot.SlotWeights;
import io.morphgate.api.slot.TensorShape;
import io.morphgate.operator.kit.SlotBlock;
import io.morphgate.onnx.GraphBuilder;
import io.morphgate.onnx.GraphCheck;
import io.morphgate.operator.kit.derive.BatchNormCalibration.BatchNorm;
import io.morphgate.operator.kit.derive.BatchNormCalibration.ChannelStatistics;

import java.util.List;

/**
 * The path every data-free variant shares: its factorised convolutions (reproducing the slot's stride), then BN, the
 * slot's activation and (when the slot ends with one) a 2x2 max-pool, with the BN either taken from the slot or recalibrated on a few inputs, and the
 * variant's error against the slot's default layer measured on those same inputs.
 *
 * <p>Graphs have one input {@code "input"} of the slot's input shape and one output {@code "output"} of the slot's
 * output shape, and pass {@link GraphCheck}.
 */
public final class DerivedBlock {

    /**
     * Adds the factorised convolutions of a variant (padding k/2, the slot's stride, no bias needed) and returns the
     * BN's input, a tensor of the slot's {@linkplain SlotSpec#convolutionOutput() convolution output} shape. Called once per graph built (up to three times),
     * so it must only add nodes.
     */
    @FunctionalInterface
    public interface ConvPart {
        String add(GraphBuilder g, String input);
    }

    /**
     * @param graph              the variant sub-graph
     * @param relativeError      {@code ||variant(x) - slotDefault(x)||_F / ||slotDefault(x)||_F} over the calibration
     *                           inputs; NaN without them
     * @param recalibrated       whether BN was recalibrated (false: the slot's BN is shared)
     * @param calibrationSamples number of calibration inputs used
     */
    public record Result(ModelProto graph, double relativeError, boolean recalibrated, int calibrationSamples) {
    }

    static final String INPUT = "input";
    static final String OUTPUT = "output";

    private DerivedBlock() {
    }

    /**
     * Builds the variant. Calibration inputs are row-major {@code [C][H][W]} samples of the slot's input; with none,
     * the slot's BN is shared and no error is measured.
     *
     * @throws IllegalArgumentException when the weights do not fit the slot or a sample has the wrong size
     * @throws io.morphgate.onnx.GraphException when {@code convPart} does not produce the slot's conv output shape
     */
    public static Result build(String graphName, SlotSpec slot, SlotWeights weights, List<float[]> calibrationInputs,
                               ConvPart convPart) {
        requireFit(slot, weights);
        ModelProto shared = block(graphName, slot, convPart, BatchNormCalibration.shared(weights));
        GraphCheck.check(shared); // a convPart of the wrong shape fails here, before any calibration work
        if (calibrationInputs.isEmpty()) {
            return new Result(shared, Double.NaN, false, 0);
        }
        Calibration c = new Calibration(slot, calibrationInputs);
        int out = weights.outChannels();
        int convSize = slot.convolutionOutput().elementCount();
        ModelProto defaultConv = convOnly(graphName + "-default-conv", slot, out, originalConv(slot, weights));
        List<float[]> original = c.run(defaultConv, convSize);
        List<float[]> approximate = c.run(convOnly(graphName + "-conv", slot, out, convPart), convSize);
        BatchNorm bn = BatchNormCalibration.recalibrate(weights,
                BatchNormCalibration.statistics(original, out), BatchNormCalibration.statistics(approximate, out));
        ModelProto variant = block(graphName, slot, convPart, bn);
        GraphCheck.check(variant);
        // The default layer's output is its BN/ReLU/pool tail applied to the conv output already computed; the
        // variant runs whole, so the error is measured on the very graph returned.
        ModelProto defaultTail = tail(graphName + "-default-tail", slot, out, BatchNormCalibration.shared(weights));
        List<float[]> expected = c.runOn(defaultTail, original, out, slot.output().elementCount());
        List<float[]> actual = c.run(variant, slot.output().elementCount());
        return new Result(variant, relativeError(expected, actual), true, calibrationInputs.size());
    }

    /**
     * The slot's own conv as a ConvPart: its trained kernel, its stride, padding k/2, no bias (BN carries the shift).
     */
    static ConvPart originalConv(SlotSpec slot, SlotWeights w) {
        int k = w.kernelSize();
        int s = slot.stride();
        int p = k / 2;
        return (g, x) -> g.conv(x, w.kernel(), w.outChannels(), w.inChannels(), k, k, null, s, s, p, p, p, p, 1);
    }

    /** input -> convPart -> BN -> ReLU (-> 2x2 max-pool) -> output. */
    static ModelProto block(String name, SlotSpec slot, ConvPart convPart, BatchNorm bn) {
        GraphBuilder g = new GraphBuilder(name);
        String x = g.input(INPUT, slot.input().channels(), slot.input().height(), slot.input().width());
        return finish(g, convPart.add(g, x), slot, bn);
    }

    private static ModelProto convOnly(String name, SlotSpec slot, int outChannels, ConvPart convPart) {
        GraphBuilder g = new GraphBuilder(name);
        String x = g.input(INPUT, slot.input().channels(), slot.input().height(), slot.input().width());
        TensorShape convolved = slot.convolutionOutput();
        g.output(convPart.add(g, x), OUTPUT, outChannels, convolved.height(), convolved.width());
        return g.build();
    }

    private static ModelProto tail(String name, SlotSpec slot, int outChannels, BatchNorm bn) {
        GraphBuilder g = new GraphBuilder(name);
        TensorShape convolved = slot.convolutionOutput();
        String x = g.input(INPUT, outChannels, convolved.height(), convolved.width());
        return finish(g, x, slot, bn);
    }

    private static ModelProto finish(GraphBuilder g, String convOut, SlotSpec slot, BatchNorm bn) {
        String y = SlotBlock.tail(g, slot,
                g.batchNorm(convOut, bn.scale(), bn.bias(), bn.mean(), bn.variance(), bn.epsilon()));
        g.output(y, OUTPUT, slot.output().channels(), slot.output().height(), slot.output().width());
        return g.build();
    }

    private static void requireFit(SlotSpec slot, SlotWeights w) {
        if (w.inChannels() != slot.input().channels() || w.outChannels() != slot.output().channels()
                || w.kernelSize() != slot.kernelSize()) {
            throw new IllegalArgumentException("weights of slot " + w.slot() + " (" + w.inChannels() + "->"
                    + w.outChannels() + ", k=" + w.kernelSize() + ") do not fit slot " + slot.name() + " ("
                    + slot.input() + " -> " + slot.output() + ", k=" + slot.kernelSize() + ")");
        }
        if (w.kernelSize() % 2 == 0) {
            throw new IllegalArgumentException("slot " + slot.name() + ": same padding needs an odd kernel, got "
                    + w.kernelSize());
        }
        if (!SlotBlock.consistent(slot)) {
            throw new IllegalArgumentException("slot " + slot.name() + ": " + slot.input() + " -> " + slot.output()
                    + " is not what a stride-" + slot.stride() + " convolution" + (slot.pooled() ? " and a 2x2 pool"
                            : "") + " give");
        }
    }

    /** {@code ||actual - expected||_F / ||expected||_F} over all samples together. */
    private static double relativeError(List<float[]> expected, List<float[]> actual) {
        double diff = 0, norm = 0;
        for (int n = 0; n < expected.size(); n++) {
            float[] e = expected.get(n), a = actual.get(n);
            for (int i = 0; i < e.length; i++) {
                double d = (double) a[i] - e[i];
                diff += d * d;
                norm += (double) e[i] * e[i];
            }
        }
        return norm == 0 ? (diff == 0 ? 0 : Double.POSITIVE_INFINITY) : Math.sqrt(diff / norm);
    }
}
