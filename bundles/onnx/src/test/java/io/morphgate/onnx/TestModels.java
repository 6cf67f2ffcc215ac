package io.morphgate.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import io.morphgate.onnx.internal.Shapes;
import io.morphgate.onnx.reference.ReferenceEvaluator.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Small models with seeded random weights, shared by the tests. */
final class TestModels {
    static final SlotBoundary S1 = new SlotBoundary("s1", "x", "s1_out");
    static final SlotBoundary S2 = new SlotBoundary("s2", "s1_out", "s2_out");

    private TestModels() {
    }

    static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian() * 0.5f;
        }
        return a;
    }

    static float[] positive(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = 0.5f + r.nextFloat();
        }
        return a;
    }

    static String bn(GraphBuilder b, Random r, String x, int c) {
        return b.batchNorm(x, positive(r, c), random(r, c), random(r, c), positive(r, c), 1e-5f);
    }

    /**
     * x [N,4,8,8] -> s1: conv3x3 4->8 + BN + ReLU -> s1_out [N,8,8,8] -> s2: conv3x3 8->8 + BN + ReLU + maxpool2
     * -> s2_out [N,8,4,4] -> GAP -> flatten -> gemm 8->3 -> y.
     */
    static ModelProto backbone() {
        Random r = new Random(1);
        GraphBuilder b = new GraphBuilder("backbone");
        String x = b.input("x", 4, 8, 8);
        b.withName("s1");
        String t = b.conv(x, random(r, 8 * 4 * 9), 8, 4, 3, 3, random(r, 8), 1);
        t = b.relu(bn(b, r, t, 8));
        b.rename(t, "s1_out");
        b.withName("s2");
        t = b.conv("s1_out", random(r, 8 * 8 * 9), 8, 8, 3, 3, null, 1);
        t = b.maxPool(b.relu(bn(b, r, t, 8)), 2, 2);
        b.rename(t, "s2_out");
        b.withName("head");
        t = b.flatten(b.globalAveragePool("s2_out"));
        t = b.gemm(t, random(r, 3 * 8), 3, 8, random(r, 3));
        return b.output(t, "y", 3).build();
    }

    /** Low-rank-like replacement for s1: 1x3 conv 4->2, 3x1 conv 2->8, BN, ReLU. */
    static ModelProto lowRankS1(int outChannels, int stride) {
        Random r = new Random(2);
        GraphBuilder b = new GraphBuilder("lowrank");
        String x = b.input("in", 4, 8, 8);
        String t = b.conv(x, random(r, 2 * 4 * 3), 2, 4, 1, 3, null, 1);
        t = b.conv(t, random(r, outChannels * 2 * 3), outChannels, 2, 3, 1, null, stride, stride, 1, 0, 1, 0, 1);
        t = b.relu(bn(b, r, t, outChannels));
        int hw = stride == 1 ? 8 : 4;
        return b.output(t, "out", outChannels, hw, hw).build();
    }

    /** Replacement for s2: 1x3 conv 8->4, 3x1 conv 4->8, BN, ReLU, maxpool 2. */
    static ModelProto lowRankS2() {
        Random r = new Random(3);
        GraphBuilder b = new GraphBuilder("lowrank");
        String t = b.conv(b.input("in", 8, 8, 8), random(r, 4 * 8 * 3), 4, 8, 1, 3, null, 1);
        t = b.conv(t, random(r, 8 * 4 * 3), 8, 4, 3, 1, null, 1);
        t = b.maxPool(b.relu(bn(b, r, t, 8)), 2, 2);
        return b.output(t, "out", 8, 4, 4).build();
    }

    /** x [N,6] -> Clip with min and max as attributes, the form before opset 11: the model imports opset 10. */
    static ModelProto clipWithAttributesAtOpset10(float min, float max) {
        GraphBuilder b = new GraphBuilder("clip10");
        ModelProto m = b.output(b.relu(b.input("x", 6)), "y", 6).build();
        NodeProto clip = m.getGraph().getNode(0).toBuilder().setName("clip10/Clip").setOpType("Clip")
                .addAttribute(AttributeProto.newBuilder().setName("min").setType(AttributeProto.AttributeType.FLOAT)
                        .setF(min))
                .addAttribute(AttributeProto.newBuilder().setName("max").setType(AttributeProto.AttributeType.FLOAT)
                        .setF(max))
                .build();
        return m.toBuilder().clearOpsetImport()
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(10))
                .setGraph(m.getGraph().toBuilder().setNode(0, clip)).build();
    }

    /** The same model with its graph output moved to another tensor (the evaluator computes only what it needs). */
    static ModelProto withOutput(ModelProto model, String tensor, long[] shape) {
        return model.toBuilder().setGraph(model.getGraph().toBuilder().clearOutput()
                .addOutput(Shapes.floatValue(tensor, shape))).build();
    }

    /** A model exported by models/export/export_torchvision.py; the calling test is skipped when there is none. */
    static Path exported(String file) {
        String folder = System.getenv("MORPHGATE_EXPORTED_MODELS");
        assumeTrue(folder != null && Files.isRegularFile(Path.of(folder, file)),
                "MORPHGATE_EXPORTED_MODELS does not name a folder with " + file
                        + " (python3 models/export/export_torchvision.py --out DIR writes it)");
        return Path.of(folder, file);
    }

    static Tensor randomInput(long seed, long... shape) {
        Random r = new Random(seed);
        float[] data = new float[(int) Tensor.count(shape)];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) r.nextGaussian();
        }
        return new Tensor(shape, data);
    }

    static void assertClose(Tensor expected, Tensor actual, double tolerance) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected.shape(), actual.shape(), "shape");
        for (int i = 0; i < expected.data().length; i++) {
            if (Math.abs(expected.data()[i] - actual.data()[i]) > tolerance) {
                org.junit.jupiter.api.Assertions.fail("element " + i + ": expected " + expected.data()[i] + ", got "
                        + actual.data()[i]);
            }
        }
    }
}
