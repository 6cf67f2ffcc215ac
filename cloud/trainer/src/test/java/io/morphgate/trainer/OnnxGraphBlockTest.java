package io.morphgate.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.ModelProto;
import io.morphgate.onnx.GraphBuilder;
import io.morphgate.onnx.Initializers;
import io.morphgate.onnx.reference.ReferenceEvaluator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Random;

class OnnxGraphBlockTest {

    private static NDManager manager;

    @BeforeAll
    static void engine() {
        System.setProperty("ai.djl.offline", "true");
        manager = Engine.getEngine("PyTorch").newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** Every op the translator knows, with a bias-less grouped 1x3 conv, a biased 3x3 one, both branches joined. */
    static ModelProto randomGraph(long seed) {
        Random r = new Random(seed);
        GraphBuilder g = new GraphBuilder("translator-test");
        String x = g.input("input", 4, 6, 6);
        String a = g.conv(x, values(r, 8 * 4 * 9, 0.3f), 8, 4, 3, 3, values(r, 8, 0.1f), 1);
        a = g.batchNorm(a, positive(r, 8), values(r, 8, 0.1f), values(r, 8, 0.2f), positive(r, 8), 1e-5f);
        a = g.relu(a);
        String b = g.conv(x, values(r, 4 * 2 * 3, 0.3f), 4, 2, 1, 3, null, 2);
        String c = g.concat(1, a, g.identity(b));
        c = g.maxPool(c, 2, 2);
        c = g.flatten(c);
        c = g.gemm(c, values(r, 5 * 12 * 9, 0.1f), 5, 12 * 9, values(r, 5, 0.1f));
        return g.output(c, "output", 5).build();
    }

    @Test
    void forwardInInferenceModeEqualsTheReferenceEvaluator() {
        ModelProto model = randomGraph(7);
        float[] input = values(new Random(8), 3 * 4 * 6 * 6, 1f);
        float[] expected = ReferenceEvaluator.run(model, new ReferenceEvaluator.Tensor(new long[] {3, 4, 6, 6},
                input)).data();
        try (NDManager m = manager.newSubManager()) {
            OnnxGraphBlock block = new OnnxGraphBlock(model, m, name -> true);
            float[] actual = block.forward(m.create(input, new Shape(3, 4, 6, 6)), false).toFloatArray();
            assertEquals(expected.length, actual.length);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], 1e-4, "output " + i);
            }
        }
    }

    /**
     * The ops of exported networks: a strided conv with an asymmetric pad, a depthwise conv with a bias (a folded BN),
     * ReLU6 as Clip with Constant bounds, a residual Add, an average pool, a global average pool, Flatten and Gemm.
     */
    static ModelProto exportLikeGraph(long seed) {
        Random r = new Random(seed);
        GraphBuilder g = new GraphBuilder("export-like");
        String x = g.input("input", 3, 9, 9);
        String a = g.conv(x, values(r, 6 * 3 * 9, 0.3f), 6, 3, 3, 3, values(r, 6, 0.1f), 2, 2, 1, 1, 0, 0, 1);
        a = g.clip(a, g.constant(new long[] {}, 0f), g.constant(new long[] {}, 6f));
        String d = g.conv(a, values(r, 6 * 9, 0.3f), 6, 1, 3, 3, values(r, 6, 0.1f), 6);
        a = g.add(a, d);
        a = g.averagePool(a, 2, 2);
        a = g.globalAveragePool(a);
        a = g.flatten(a);
        a = g.gemm(a, values(r, 4 * 6, 0.3f), 4, 6, values(r, 4, 0.1f));
        return g.output(a, "output", 4).build();
    }

    @Test
    void theOpsOfExportedNetworksEqualTheReferenceEvaluator() {
        ModelProto model = exportLikeGraph(21);
        float[] input = values(new Random(22), 2 * 3 * 9 * 9, 2f);
        float[] expected = ReferenceEvaluator.run(model, new ReferenceEvaluator.Tensor(new long[] {2, 3, 9, 9},
                input)).data();
        try (NDManager m = manager.newSubManager()) {
            OnnxGraphBlock block = new OnnxGraphBlock(model, m, name -> false);
            assertEquals(new Shape(2, 3, 9, 9), block.inputShape(2), "input shape from the graph");
            float[] actual = block.forward(m.create(input, block.inputShape(2)), false).toFloatArray();
            assertEquals(expected.length, actual.length);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], 1e-4, "output " + i);
            }
        }
    }

    @Test
    void anOpTheBlockDoesNotTranslateIsRefusedNamingTheNodeAndTheOp() {
        ModelProto model = randomGraph(5);
        var g = model.getGraph().toBuilder();
        g.setNode(2, g.getNode(2).toBuilder().setOpType("HardSwish").setName("/features/act/HardSwish"));
        ModelProto unknown = model.toBuilder().setGraph(g).build();
        try (NDManager m = manager.newSubManager()) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> new OnnxGraphBlock(unknown, m, name -> false));
            assertTrue(e.getMessage().startsWith("node /features/act/HardSwish (HardSwish): op not translated"),
                    e.getMessage());
        }
    }

    @Test
    void forwardFromAnIntermediateTensorEqualsTheWholeForwardAndNeedsEveryBranch() {
        ModelProto model = randomGraph(13);
        String concat = tensorOf(model, "Concat");
        String relu = tensorOf(model, "Relu");
        float[] input = values(new Random(14), 2 * 4 * 6 * 6, 1f);
        try (NDManager m = manager.newSubManager()) {
            OnnxGraphBlock block = new OnnxGraphBlock(model, m, name -> false);
            var whole = block.forward(m.create(input, new Shape(2, 4, 6, 6)), false,
                    java.util.List.of(concat, relu, block.outputName()));
            float[] expected = whole.get(block.outputName()).toFloatArray();
            float[] fromConcat = block.forwardFrom(java.util.Map.of(concat, whole.get(concat)), false,
                    java.util.List.of(block.outputName())).get(block.outputName()).toFloatArray();
            assertTrue(java.util.Arrays.equals(expected, fromConcat), "same values from the cut");
            IllegalArgumentException oneBranch = org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalArgumentException.class, () -> block.forwardFrom(java.util.Map.of(relu, whole.get(relu)),
                            false, java.util.List.of(block.outputName())));
            assertTrue(oneBranch.getMessage().contains("cannot compute"), oneBranch.getMessage());
        }
    }

    private static String tensorOf(ModelProto model, String opType) {
        return model.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals(opType)).findFirst()
                .orElseThrow().getOutput(0);
    }

    @Test
    void writeBackOfAnUntrainedBlockIsExact() {
        ModelProto model = randomGraph(9);
        try (NDManager m = manager.newSubManager()) {
            assertEquals(model, new OnnxGraphBlock(model, m, name -> true).writeBack());
        }
    }

    @Test
    void onlyTrainableParametersChangeAndTrainingUpdatesRunningStatistics() {
        ModelProto model = randomGraph(11);
        try (NDManager m = manager.newSubManager()) {
            OnnxGraphBlock block = new OnnxGraphBlock(model, m, name -> name.contains("BatchNormalization")
                    || name.contains("Gemm"));
            TrainingStep step = new TrainingStep(block.trainableParameters(), 1e-2f, 10, 0f);
            float[] input = values(new Random(12), 8 * 4 * 6 * 6, 1f);
            for (int i = 0; i < 3; i++) {
                try (NDManager s = m.newSubManager()) {
                    var x = s.create(input, new Shape(8, 4, 6, 6));
                    var y = s.create(new float[] {0, 1, 2, 3, 4, 0, 1, 2});
                    step.run(() -> Evaluation.crossEntropy(block.forward(x, true), y));
                }
            }
            ModelProto trained = block.writeBack();
            for (var t : model.getGraph().getInitializerList()) {
                float[] before = Initializers.floats(model, t.getName());
                float[] after = Initializers.floats(trained, t.getName());
                if (t.getName().contains("/Conv_")) {
                    assertTrue(java.util.Arrays.equals(before, after), t.getName() + " is frozen");
                } else {
                    assertNotEquals(java.util.Arrays.toString(before), java.util.Arrays.toString(after),
                            t.getName() + " trains (running statistics update)");
                }
            }
        }
    }

    static float[] values(Random r, int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian() * scale;
        }
        return v;
    }

    static float[] positive(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = 0.5f + r.nextFloat();
        }
        return v;
    }
}
