package io.morphgate.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import io.morphgate.onnx.GraphComposer.Replacement;
import io.morphgate.onnx.reference.ReferenceEvaluator;
import io.morphgate.onnx.reference.ReferenceEvaluator.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Crafted hostile models: each is refused with a GraphException that says why, before anything big is allocated. */
class HostileModelTest {
    private static final long TERA = 1L << 40;

    private static void refused(ModelProto model, String expected) {
        GraphException e = assertThrows(GraphException.class, () -> GraphCheck.check(model));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private static ModelProto withInitializer(TensorProto t) {
        ModelProto m = TestModels.lowRankS2();
        return m.toBuilder().setGraph(m.getGraph().toBuilder().addInitializer(t)).build();
    }

    @Test
    void initializerWhoseDimsOverflowToZeroElementsIsRefused() {
        // 4 * 2^62 wraps to 0 in 64 bits: without care it passes as an empty tensor with no data
        TensorProto t = TensorProto.newBuilder().setName("w").setDataType(1).addDims(4).addDims(1L << 62).build();
        refused(withInitializer(t), "more than 67108864 elements");
    }

    @Test
    void hugeDeclaredInitializerIsRefusedBeforeReadingData() {
        TensorProto t = TensorProto.newBuilder().setName("w").setDataType(1).addDims(TERA).addDims(TERA).build();
        refused(withInitializer(t), "more than 67108864 elements");
        TensorProto big = TensorProto.newBuilder().setName("w").setDataType(1).addDims(1 << 14).addDims(1 << 14).build();
        refused(withInitializer(big), "more than 67108864 elements");
    }

    @Test
    void negativeDimsAreRefused() {
        TensorProto t = TensorProto.newBuilder().setName("w").setDataType(1).addDims(-3).addDims(2).build();
        refused(withInitializer(t), "negative dimension");
    }

    @Test
    void absurdDeclaredInputIsRefused() {
        ModelProto m = TestModels.lowRankS2();
        GraphProto.Builder g = m.getGraph().toBuilder();
        TensorShapeProto.Builder shape = g.getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
        shape.getDimBuilder(2).setDimValue(TERA);
        shape.getDimBuilder(3).setDimValue(TERA);
        refused(m.toBuilder().setGraph(g).build(), "more than 67108864 elements per sample");
    }

    @Test
    void absurdPadsAreRefused() {
        ModelProto m = TestModels.lowRankS2();
        GraphProto.Builder g = m.getGraph().toBuilder();
        NodeProto.Builder conv = g.getNodeBuilder(0);
        for (int i = 0; i < conv.getAttributeCount(); i++) {
            if (conv.getAttribute(i).getName().equals("pads")) {
                conv.removeAttribute(i);
                break;
            }
        }
        conv.addAttribute(AttributeProto.newBuilder().setName("pads").setType(AttributeProto.AttributeType.INTS)
                .addAllInts(Arrays.asList(TERA, TERA, TERA, TERA)));
        refused(m.toBuilder().setGraph(g).build(), "elements per sample");
        conv.removeAttribute(conv.getAttributeCount() - 1).addAttribute(AttributeProto.newBuilder().setName("pads")
                .setType(AttributeProto.AttributeType.INTS).addAllInts(Arrays.asList(Long.MAX_VALUE, 0L, Long.MAX_VALUE, 0L)));
        refused(m.toBuilder().setGraph(g).build(), "overflows a 64-bit integer");
    }

    @Test
    void aHundredThousandNodeChainIsCheckedAndRefusedByTheEvaluatorWithoutStackOverflow() {
        GraphBuilder b = new GraphBuilder("chain");
        String t = b.input("in", 1, 2, 2);
        for (int i = 0; i < 100_000; i++) {
            t = b.relu(t);
        }
        ModelProto m = b.output(t, "out", 1, 2, 2).build();
        GraphCheck.check(m);
        GraphException e = assertThrows(GraphException.class,
                () -> ReferenceEvaluator.run(m, new Tensor(new long[] {1, 1, 2, 2}, new float[4])));
        assertTrue(e.getMessage().contains("nodes deep"), e.getMessage());
    }

    @Test
    void aVariantWithACycleIsRefusedForItsSlot() {
        ModelProto v = TestModels.lowRankS1(8, 1);
        GraphProto.Builder g = v.getGraph().toBuilder();
        // the first conv now reads the last node's output
        String last = g.getNode(g.getNodeCount() - 1).getOutput(0);
        g.getNodeBuilder(0).setInput(0, last);
        ModelProto cyclic = v.toBuilder().setGraph(g).build();
        CompositionException e = assertThrows(CompositionException.class, () -> GraphComposer.compose(
                TestModels.backbone(), Map.of(TestModels.S1, new Replacement("cyclic", cyclic))));
        assertTrue(e.getMessage().contains("cycle") || e.getMessage().contains("before it is produced"), e.getMessage());
    }

    @Test
    void aVariantWithAMissingInitializerIsRefusedForItsSlot() {
        ModelProto v = TestModels.lowRankS1(8, 1);
        GraphProto.Builder g = v.getGraph().toBuilder();
        String weight = g.getNode(0).getInput(1);
        for (int i = 0; i < g.getInitializerCount(); i++) {
            if (g.getInitializer(i).getName().equals(weight)) {
                g.removeInitializer(i);
                break;
            }
        }
        ModelProto missing = v.toBuilder().setGraph(g).build();
        CompositionException e = assertThrows(CompositionException.class, () -> GraphComposer.compose(
                TestModels.backbone(), Map.of(TestModels.S1, new Replacement("missing", missing))));
        assertTrue(e.getMessage().contains(weight) && e.getMessage().contains("not defined"), e.getMessage());
    }

    @Test
    void truncatedAndGarbageBytesAreNotAModel() {
        byte[] model = OnnxModelIO.write(TestModels.backbone());
        for (int cut : new int[] {1, 7, model.length / 2, model.length - 1}) {
            assertThrows(GraphException.class, () -> GraphCheck.check(OnnxModelIO.read(Arrays.copyOf(model, cut))));
        }
        byte[] garbage = new byte[4096];
        new java.util.Random(7).nextBytes(garbage);
        assertThrows(GraphException.class, () -> OnnxModelIO.read(garbage));
    }

    @Test
    void hugeConstantIsRefusedBeforeReadingData() {
        GraphBuilder b = new GraphBuilder("k");
        String x = b.input("x", 2);
        ModelProto m = b.output(b.add(x, b.constant(new long[] {2}, 1f, 2f)), "y", 2).build();
        GraphProto.Builder g = m.getGraph().toBuilder();
        g.getNodeBuilder(0).getAttributeBuilder(0).getTBuilder().clearRawData().clearDims().addDims(TERA)
                .addDims(TERA);
        refused(m.toBuilder().setGraph(g).build(), "node k/Constant_0 (Constant): value has more than 67108864 "
                + "elements");
    }
}
