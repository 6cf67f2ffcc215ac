package io.morphgate.onnx.reference;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import io.morphgate.onnx.GraphBuilder;
import io.morphgate.onnx.GraphException;
import io.morphgate.onnx.OnnxModelIO;
import io.morphgate.onnx.reference.ReferenceEvaluator.Substitution;
import io.morphgate.onnx.reference.ReferenceEvaluator.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReferenceEvaluatorTest {

    @Test
    void convWithStrideAndAsymmetricPadsByHand() {
        // 1 channel 3x3 input 1..9, 2x2 kernel of ones, stride 2, pads top 1 left 0 bottom 0 right 1, bias 10.
        GraphBuilder b = new GraphBuilder("c");
        String t = b.conv(b.input("x", 1, 3, 3), new float[] {1, 1, 1, 1}, 1, 1, 2, 2, new float[] {10},
                2, 2, 1, 0, 0, 1, 1);
        ModelProto m = b.output(t, "y", 1, 2, 2).build();
        Tensor y = ReferenceEvaluator.run(m, new Tensor(new long[] {1, 1, 3, 3}, new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}));
        // windows: rows {-1,0} x cols {0,1} = 1+2; rows {-1,0} x cols {2,3} = 3; rows {1,2} x {0,1} = 4+5+7+8;
        // rows {1,2} x {2,3} = 6+9
        assertArrayEquals(new long[] {1, 1, 2, 2}, y.shape());
        assertArrayEquals(new float[] {13, 13, 34, 25}, y.data());
    }

    @Test
    void groupedConvKeepsGroupsApart() {
        // 2 channels, 2 groups, 1x1 kernels 2 and 3: each output channel scales its own input channel.
        GraphBuilder b = new GraphBuilder("g");
        String t = b.conv(b.input("x", 2, 1, 2), new float[] {2, 3}, 2, 1, 1, 1, null, 2);
        Tensor y = ReferenceEvaluator.run(b.output(t, "y", 2, 1, 2).build(),
                new Tensor(new long[] {1, 2, 1, 2}, new float[] {1, 2, 3, 4}));
        assertArrayEquals(new float[] {2, 4, 9, 12}, y.data());
    }

    @Test
    void poolsSoftmaxAndGemmByHand() {
        GraphBuilder b = new GraphBuilder("p");
        String x = b.input("x", 1, 2, 2);
        String mx = b.flatten(b.maxPool(x, 2, 2));
        String avg = b.flatten(b.averagePool(x, 2, 2));
        String cat = b.concat(1, mx, avg);
        // gemm [1,2] x W^T with W = [[1,0],[0,1],[1,1]], bias [0,0,-5]
        String g = b.gemm(cat, new float[] {1, 0, 0, 1, 1, 1}, 3, 2, new float[] {0, 0, -5});
        ModelProto m = b.output(b.softmax(g), "y", 3).build();
        Tensor y = ReferenceEvaluator.run(m, new Tensor(new long[] {1, 1, 2, 2}, new float[] {1, 2, 3, 6}));
        // max 6, avg 3 -> logits [6, 3, 4]
        double z = Math.exp(6) + Math.exp(3) + Math.exp(4);
        assertArrayEquals(new float[] {(float) (Math.exp(6) / z), (float) (Math.exp(3) / z),
                (float) (Math.exp(4) / z)}, y.data(), 1e-6f);
    }

    @Test
    void perChannelMulAndAddBroadcast() {
        GraphBuilder b = new GraphBuilder("bc");
        String x = b.input("x", 2, 1, 2);
        String y = b.identity(x);
        ModelProto base = b.output(y, "y", 2, 1, 2).build();
        // Replace Identity by Mul(x, s) then Add(., x): y = x * s + x with s = [[[2]], [[3]]] of shape [2,1,1].
        var g = base.getGraph().toBuilder()
                .addInitializer(io.morphgate.onnx.internal.TensorData.floatTensor("s", new long[] {2, 1, 1},
                        new float[] {2, 3}))
                .setNode(0, NodeProto.newBuilder().setName("mul").setOpType("Mul").addInput("x").addInput("s")
                        .addOutput("m"))
                .addNode(NodeProto.newBuilder().setName("add").setOpType("Add").addInput("m").addInput("x")
                        .addOutput("y"));
        ModelProto m = base.toBuilder().setGraph(g).build();
        Tensor in = new Tensor(new long[] {1, 2, 1, 2}, new float[] {1, 2, 3, 4});
        assertArrayEquals(new float[] {3, 6, 12, 16}, ReferenceEvaluator.run(m, in).data());
    }

    @Test
    void matchesOnnxRuntimeOnEveryOperator() {
        java.util.Random r = new java.util.Random(7);
        GraphBuilder b = new GraphBuilder("all");
        String x = b.input("x", 3, 9, 9);
        String a = b.conv(x, rnd(r, 6 * 3 * 9), 6, 3, 3, 3, rnd(r, 6), 2, 2, 1, 0, 2, 1, 1); // 6x5x5
        String c = b.relu(b.batchNorm(a, pos(r, 6), rnd(r, 6), rnd(r, 6), pos(r, 6), 1e-3f));
        String d = b.conv(c, rnd(r, 6 * 2 * 9), 6, 2, 3, 3, null, 3); // grouped, same
        String e = b.add(c, d);
        String p1 = b.maxPool(e, 2, 1); // 6x4x4
        String p2 = b.averagePool(e, 2, 1);
        String cat = b.concat(1, p1, p2); // 12x4x4
        String f = b.flatten(b.globalAveragePool(cat));
        String g = b.gemm(f, rnd(r, 5 * 12), 5, 12, rnd(r, 5));
        String h = b.matMul(g, rnd(r, 5 * 4), 5, 4);
        ModelProto m = b.output(b.softmax(h), "y", 4).build();
        Tensor in = io.morphgate.onnx.TestAccess.randomInput(8, 4, 3, 9, 9);
        Tensor expected = io.morphgate.onnx.TestAccess.ort(m, in);
        Tensor actual = ReferenceEvaluator.run(m, in);
        assertArrayEquals(expected.shape(), actual.shape());
        assertArrayEquals(expected.data(), actual.data(), 1e-5f);
        // and the unnormalised logits, where errors are not squashed by the softmax
        ModelProto logits = OnnxModelIO.read(OnnxModelIO.write(io.morphgate.onnx.TestAccess.withOutput(m, h,
                new long[] {-1, 4})));
        assertArrayEquals(io.morphgate.onnx.TestAccess.ort(logits, in).data(),
                ReferenceEvaluator.run(logits, in).data(), 1e-4f);
    }

    /** The size the backbone tests use: 28x28, four convs of 16..64 channels, batch 8. Also a speed guard. */
    @Test
    void fashionMnistSizedCnnMatchesOnnxRuntime() {
        java.util.Random r = new java.util.Random(11);
        GraphBuilder b = new GraphBuilder("cnn");
        String t = b.input("x", 1, 28, 28);
        int[] widths = {16, 32, 64, 64};
        int in = 1;
        for (int i = 0; i < widths.length; i++) {
            int c = widths[i];
            t = b.conv(t, rnd(r, c * in * 9), c, in, 3, 3, null, 1);
            t = b.relu(b.batchNorm(t, pos(r, c), rnd(r, c), rnd(r, c), pos(r, c), 1e-5f));
            if (i % 2 == 1) {
                t = b.maxPool(t, 2, 2);
            }
            in = c;
        }
        t = b.gemm(b.flatten(b.globalAveragePool(t)), rnd(r, 10 * 64), 10, 64, rnd(r, 10));
        ModelProto m = b.output(t, "y", 10).build();
        Tensor x = io.morphgate.onnx.TestAccess.randomInput(12, 8, 1, 28, 28);
        long start = System.nanoTime();
        Tensor actual = ReferenceEvaluator.run(m, x);
        long millis = (System.nanoTime() - start) / 1_000_000;
        Tensor expected = io.morphgate.onnx.TestAccess.ort(m, x);
        for (int i = 0; i < expected.data().length; i++) {
            float e = expected.data()[i];
            assertEquals(e, actual.data()[i], 1e-4f * Math.max(1f, Math.abs(e)), "element " + i);
        }
        org.junit.jupiter.api.Assertions.assertTrue(millis < 10_000, "reference run took " + millis + " ms");
    }

    @Test
    void depthwiseConvWithStrideAndPadsByHand() {
        // 2 channels 3x3, group 2, 3x3 kernels, stride 2, pads 1: the outputs sit on the input's corners.
        // Channel 0: 1..9 and a kernel of ones, so each output sums the in-bounds 2x2 corner, plus bias 0.5.
        // Channel 1: 10..18 and a kernel that is 2 at its centre only, so 2 * the corner value, plus bias -1.
        GraphBuilder b = new GraphBuilder("dw");
        float[] kernels = new float[18];
        java.util.Arrays.fill(kernels, 0, 9, 1f);
        kernels[9 + 4] = 2f;
        String t = b.conv(b.input("x", 2, 3, 3), kernels, 2, 1, 3, 3, new float[] {0.5f, -1f}, 2, 2, 1, 1, 1, 1, 2);
        Tensor y = ReferenceEvaluator.run(b.output(t, "y", 2, 2, 2).build(), new Tensor(new long[] {1, 2, 3, 3},
                new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18}));
        assertArrayEquals(new long[] {1, 2, 2, 2}, y.shape());
        assertArrayEquals(new float[] {12.5f, 16.5f, 24.5f, 28.5f, 19, 23, 31, 35}, y.data());
    }

    @Test
    void reluSixWithConstantBoundsByHand() {
        GraphBuilder b = new GraphBuilder("r6");
        String t = b.clip(b.input("x", 6), b.constant(new long[0], 0f), b.constant(new long[0], 6f));
        Tensor y = ReferenceEvaluator.run(b.output(t, "y", 6).build(), SIX_VALUES);
        assertArrayEquals(new float[] {0, 0, 0.5f, 3, 6, 6}, y.data());
    }

    @Test
    void clipBoundsFromInitializersOrAbsentByHand() {
        GraphBuilder b = new GraphBuilder("c");
        String x = b.input("x", 6);
        String upTo2 = b.clip(x, null, b.initializer("two", new long[0], 2f));
        String from1 = b.clip(upTo2, b.initializer("minusOne", new long[0], -1f), null);
        String unbounded = b.clip(from1, null, null);
        Tensor y = ReferenceEvaluator.run(b.output(unbounded, "y", 6).build(), SIX_VALUES);
        assertArrayEquals(new float[] {-1, -1, 0.5f, 2, 2, 2}, y.data());
    }

    @Test
    void clipBeforeOpset11TakesItsBoundsFromAttributesAsOnnxRuntimeDoes() {
        ModelProto m = io.morphgate.onnx.TestAccess.clipWithAttributesAtOpset10(-1f, 2f);
        assertArrayEquals(new float[] {-1, -1, 0.5f, 2, 2, 2}, ReferenceEvaluator.run(m, SIX_VALUES).data());
        assertArrayEquals(io.morphgate.onnx.TestAccess.ort(m, SIX_VALUES).data(),
                ReferenceEvaluator.run(m, SIX_VALUES).data());
    }

    @Test
    void constantPerChannelOffsetByHand() {
        GraphBuilder b = new GraphBuilder("k");
        String t = b.add(b.input("x", 3, 1, 2), b.constant(new long[] {3, 1, 1}, 10, 20, 30));
        Tensor y = ReferenceEvaluator.run(b.output(t, "y", 3, 1, 2).build(),
                new Tensor(new long[] {1, 3, 1, 2}, new float[] {1, 2, 3, 4, 5, 6}));
        assertArrayEquals(new float[] {11, 12, 23, 24, 35, 36}, y.data());
    }

    /**
     * A MobileNet-V2 inverted residual block with a head, bounds tight enough that both sides of each Clip act:
     * 1x1 expand, Clip [0, 1] with Constant bounds, 3x3 depthwise, Clip [-0.5, +inf) with an initializer bound, 1x1
     * project, residual Add, global pool, Gemm.
     */
    @Test
    void mobileNetBlockMatchesOnnxRuntime() {
        java.util.Random r = new java.util.Random(5);
        GraphBuilder b = new GraphBuilder("mb");
        String x = b.input("x", 4, 7, 7);
        String expand = b.clip(b.conv(x, rnd(r, 12 * 4), 12, 4, 1, 1, rnd(r, 12), 1),
                b.constant(new long[0], 0f), b.constant(new long[0], 1f));
        String depthwise = b.clip(b.conv(expand, rnd(r, 12 * 9), 12, 1, 3, 3, rnd(r, 12), 12),
                b.initializer("floor", new long[0], -0.5f), null);
        String project = b.conv(depthwise, rnd(r, 4 * 12), 4, 12, 1, 1, rnd(r, 4), 1);
        String head = b.gemm(b.flatten(b.globalAveragePool(b.add(x, project))), rnd(r, 3 * 4), 3, 4, rnd(r, 3));
        ModelProto m = b.output(head, "y", 3).build();
        Tensor in = io.morphgate.onnx.TestAccess.randomInput(6, 2, 4, 7, 7);

        ModelProto upToExpand = io.morphgate.onnx.TestAccess.withOutput(m, expand, new long[] {-1, 12, 7, 7});
        Tensor clipped = io.morphgate.onnx.TestAccess.ort(upToExpand, in);
        assertTrue(count(clipped, 0f) > 0 && count(clipped, 1f) > 0, "both bounds of the first Clip act");
        assertArrayEquals(clipped.data(), ReferenceEvaluator.run(upToExpand, in).data(), 1e-5f);
        Tensor expected = io.morphgate.onnx.TestAccess.ort(m, in);
        assertArrayEquals(expected.shape(), ReferenceEvaluator.run(m, in).shape());
        assertArrayEquals(expected.data(), ReferenceEvaluator.run(m, in).data(), 1e-5f);
    }

    @Test
    void refusesInputOfTheWrongShape() {
        GraphBuilder b = new GraphBuilder("r");
        ModelProto m = b.output(b.relu(b.input("x", 2, 2, 2)), "y", 2, 2, 2).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReferenceEvaluator.run(m, new Tensor(new long[] {1, 3, 2, 2}, new float[12])));
        assertEquals("input x expects shape [-1,2,2,2], got [1,3,2,2]", e.getMessage());
    }

    @Test
    void refusesSubstitutionOfUnknownTensor() {
        GraphBuilder b = new GraphBuilder("r");
        ModelProto m = b.output(b.relu(b.input("x", 2, 2, 2)), "y", 2, 2, 2).build();
        assertThrows(IllegalArgumentException.class, () -> ReferenceEvaluator.run(m,
                new Tensor(new long[] {1, 2, 2, 2}, new float[8]), Map.of("nope", new Substitution("x", m))));
    }

    @Test
    void refusesUnsupportedOperator() {
        GraphBuilder b = new GraphBuilder("r");
        ModelProto m = b.output(b.relu(b.input("x", 2, 2, 2)), "y", 2, 2, 2).build();
        ModelProto bad = m.toBuilder().setGraph(m.getGraph().toBuilder()
                .setNode(0, m.getGraph().getNode(0).toBuilder().setOpType("Tanh"))).build();
        GraphException e = assertThrows(GraphException.class,
                () -> ReferenceEvaluator.run(bad, new Tensor(new long[] {1, 2, 2, 2}, new float[8])));
        assertEquals("node r/Relu_0 (Tanh): unsupported operator", e.getMessage());
    }

    private static final Tensor SIX_VALUES = new Tensor(new long[] {1, 6}, new float[] {-7, -1, 0.5f, 3, 6, 9});

    private static int count(Tensor t, float value) {
        int n = 0;
        for (float v : t.data()) {
            n += v == value ? 1 : 0;
        }
        return n;
    }

    private static float[] rnd(java.util.Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian() * 0.5f;
        }
        return a;
    }

    private static float[] pos(java.util.Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = 0.5f + r.nextFloat();
        }
        return a;
    }
}
