package io.morphgate.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.morphgate.onnx.GraphComposer.Replacement;
import io.morphgate.onnx.reference.ReferenceEvaluator;
import io.morphgate.onnx.reference.ReferenceEvaluator.Substitution;
import io.morphgate.onnx.reference.ReferenceEvaluator.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.morphgate.onnx.TestModels.S1;
import static io.morphgate.onnx.TestModels.S2;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GraphComposerTest {
    private static final String VARIANT = "lowrank-s1-b0.5";
    private final ModelProto backbone = TestModels.backbone();
    private final ModelProto variant = TestModels.lowRankS1(8, 1);

    @Test
    void splicesTheVariantIntoSlotS1() {
        ModelProto composed = GraphComposer.compose(backbone, Map.of(S1, new Replacement(VARIANT, variant)));
        Set<String> nodes = composed.getGraph().getNodeList().stream().map(NodeProto::getName)
                .collect(Collectors.toSet());
        Set<String> initializers = composed.getGraph().getInitializerList().stream().map(TensorProto::getName)
                .collect(Collectors.toSet());
        assertTrue(nodes.contains("s1/lowrank-s1-b0.5/lowrank/Conv_0"), nodes.toString());
        assertTrue(nodes.contains("s1/lowrank-s1-b0.5/lowrank/Relu_3"), nodes.toString());
        assertFalse(nodes.contains("s1/Conv_0"));
        assertFalse(nodes.contains("s1/BatchNormalization_1"));
        assertTrue(nodes.contains("s2/Conv_3"));
        assertFalse(initializers.contains("s1/Conv_0/W"));
        assertFalse(initializers.contains("s1/Conv_0/B"));
        assertFalse(initializers.contains("s1/BatchNormalization_1/mean"));
        assertTrue(initializers.contains("s1/lowrank-s1-b0.5/lowrank/Conv_0/W"));
        assertTrue(initializers.contains("s2/Conv_3/W"));
        assertEquals(backbone.getGraph().getNodeCount() - 3 + 4, composed.getGraph().getNodeCount());
        GraphCheck.check(composed);
        // The variant's nodes sit where the slot's nodes were.
        assertEquals("s1/lowrank-s1-b0.5/lowrank/Conv_0", composed.getGraph().getNode(0).getName());
        NodeProto relu = composed.getGraph().getNode(3);
        assertEquals(List.of("s1_out"), relu.getOutputList());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void ortOnComposedModelMatchesReferenceWithSubstitution(int batch) {
        ModelProto composed = GraphComposer.compose(backbone, Map.of(S1, new Replacement(VARIANT, variant)));
        Tensor x = TestModels.randomInput(10 + batch, batch, 4, 8, 8);
        Tensor expected = ReferenceEvaluator.run(backbone, x, Map.of("s1_out", new Substitution("x", variant)));
        TestModels.assertClose(expected, OrtRunner.run(composed, x), 1e-4);
        TestModels.assertClose(expected, ReferenceEvaluator.run(composed, x), 1e-5);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void ortOnBackboneMatchesReference(int batch) {
        Tensor x = TestModels.randomInput(20 + batch, batch, 4, 8, 8);
        TestModels.assertClose(ReferenceEvaluator.run(backbone, x), OrtRunner.run(backbone, x), 1e-4);
    }

    @Test
    void replacesTwoSlotsAtOnce() {
        Map<SlotBoundary, Replacement> both = new LinkedHashMap<>();
        both.put(S2, new Replacement("lr2", TestModels.lowRankS2()));
        both.put(S1, new Replacement(VARIANT, variant));
        ModelProto composed = GraphComposer.compose(backbone, both);
        Tensor x = TestModels.randomInput(30, 2, 4, 8, 8);
        Tensor expected = ReferenceEvaluator.run(backbone, x, Map.of(
                "s1_out", new Substitution("x", variant),
                "s2_out", new Substitution("s1_out", TestModels.lowRankS2())));
        TestModels.assertClose(expected, OrtRunner.run(composed, x), 1e-4);
        assertTrue(composed.getGraph().getNodeList().stream().noneMatch(n -> n.getName().startsWith("s2/Conv")));
    }

    @Test
    void substitutionChangesTheResult() {
        Tensor x = TestModels.randomInput(40, 1, 4, 8, 8);
        Tensor plain = ReferenceEvaluator.run(backbone, x);
        Tensor swapped = ReferenceEvaluator.run(backbone, x, Map.of("s1_out", new Substitution("x", variant)));
        assertFalse(java.util.Arrays.equals(plain.data(), swapped.data()));
    }

    @Test
    void refusesWrongOutputChannels() {
        CompositionException e = assertThrows(CompositionException.class, () -> GraphComposer.compose(backbone,
                Map.of(S1, new Replacement("narrow", TestModels.lowRankS1(6, 1)))));
        assertEquals("slot s1, variant narrow: output shape [-1,8,8,8] expected, sub-graph gives [-1,6,8,8]",
                e.getMessage());
        assertEquals("s1", e.slot());
        assertEquals("narrow", e.variantId());
    }

    @Test
    void refusesWrongSpatialSize() {
        CompositionException e = assertThrows(CompositionException.class, () -> GraphComposer.compose(backbone,
                Map.of(S1, new Replacement("strided", TestModels.lowRankS1(8, 2)))));
        assertEquals("slot s1, variant strided: output shape [-1,8,8,8] expected, sub-graph gives [-1,8,4,4]",
                e.getMessage());
    }

    @Test
    void refusesWrongInputShape() {
        CompositionException e = assertThrows(CompositionException.class, () -> GraphComposer.compose(backbone,
                Map.of(S2, new Replacement("misplaced", variant))));
        assertEquals("slot s2, variant misplaced: input shape [-1,8,8,8] expected, sub-graph takes [-1,4,8,8]",
                e.getMessage());
    }

    @Test
    void refusesVariantWithTwoInputs() {
        GraphBuilder b = new GraphBuilder("two");
        String t = b.add(b.input("a", 4, 8, 8), b.input("b", 4, 8, 8));
        t = b.conv(t, new float[8 * 4], 8, 4, 1, 1, null, 1);
        ModelProto twoInputs = b.output(t, "out", 8, 8, 8).build();
        CompositionException e = assertThrows(CompositionException.class,
                () -> GraphComposer.compose(backbone, Map.of(S1, new Replacement("two-in", twoInputs))));
        assertEquals("slot s1, variant two-in: invalid sub-graph: graph must have exactly one input, has 2 [a, b]",
                e.getMessage());
        assertEquals("two-in", e.variantId());
    }

    @Test
    void refusesSlotThatIsNotClosed() {
        // A residual block: the sum reads x directly, so the region between the conv output and the sum is open.
        GraphBuilder b = new GraphBuilder("res");
        String x = b.input("x", 4, 8, 8);
        String a = b.conv(x, new float[4 * 4 * 9], 4, 4, 3, 3, null, 1);
        String sum = b.add(a, x);
        ModelProto residual = b.output(sum, "y", 4, 8, 8).build();
        CompositionException e2 = assertThrows(CompositionException.class,
                () -> GraphComposer.extract(residual, new SlotBoundary("open", a, "y")));
        assertEquals("slot open: not a closed slot: walking back from y reaches graph input x without passing "
                + "res/Conv_0", e2.getMessage());
        assertNull(e2.variantId());
    }

    @Test
    void refusesSlotWhoseInsideIsReadOutside() {
        // Rewire the ReLU to read the conv output: a slot ending at the BN then leaks its conv output.
        ModelProto m = backbone.toBuilder().setGraph(backbone.getGraph().toBuilder().setNode(2,
                backbone.getGraph().getNode(2).toBuilder().setInput(0, "s1/Conv_0"))).build();
        CompositionException e = assertThrows(CompositionException.class,
                () -> GraphComposer.extract(m, new SlotBoundary("s1", "x", "s1/BatchNormalization_1")));
        assertEquals("slot s1: not a closed slot: tensor s1/Conv_0 inside the slot is read by node s1/Relu_2 "
                + "outside it", e.getMessage());
    }

    @Test
    void extractedDefaultLayersReproduceTheBackbone() {
        ModelProto s1 = GraphComposer.extract(backbone, S1);
        ModelProto s2 = GraphComposer.extract(backbone, S2);
        GraphCheck.check(s1);
        GraphCheck.check(s2);
        assertEquals("s1_out", s1.getGraph().getOutput(0).getName());
        assertEquals("s1_out", s2.getGraph().getInput(0).getName());
        assertEquals(3, s1.getGraph().getNodeCount());
        assertEquals(4, s2.getGraph().getNodeCount());
        Tensor x = TestModels.randomInput(50, 2, 4, 8, 8);
        Tensor s1Out = ReferenceEvaluator.run(TestModels.withOutput(backbone, "s1_out", new long[] {-1, 8, 8, 8}), x);
        Tensor s2Out = ReferenceEvaluator.run(TestModels.withOutput(backbone, "s2_out", new long[] {-1, 8, 4, 4}), x);
        Tensor fromS1 = ReferenceEvaluator.run(s1, x);
        assertArrayEquals(s1Out.data(), fromS1.data());
        assertArrayEquals(s2Out.data(), ReferenceEvaluator.run(s2, fromS1).data());
        TestModels.assertClose(s2Out, OrtRunner.run(s2, s1Out), 1e-4);
        // A composed model with the default layer put back computes the same function.
        ModelProto same = GraphComposer.compose(backbone, Map.of(S2, new Replacement("default", s2)));
        TestModels.assertClose(ReferenceEvaluator.run(backbone, x), ReferenceEvaluator.run(same, x), 1e-6);
    }

    @Test
    void opsetIsTheMaximumOfTheParts() {
        ModelProto old = variant.toBuilder().setOpsetImport(0, variant.getOpsetImport(0).toBuilder().setVersion(13))
                .build();
        ModelProto composed = GraphComposer.compose(backbone, Map.of(S1, new Replacement("v", old)));
        assertEquals(17, composed.getOpsetImport(0).getVersion());
        ModelProto newer = variant.toBuilder().setOpsetImport(0, variant.getOpsetImport(0).toBuilder().setVersion(21))
                .setIrVersion(10).build();
        ModelProto composed2 = GraphComposer.compose(backbone, Map.of(S1, new Replacement("v", newer)));
        assertEquals(21, composed2.getOpsetImport(0).getVersion());
        assertEquals(10, composed2.getIrVersion());
    }

    @Test
    void compositionLeavesTheBackboneUnchanged() {
        GraphComposer.compose(backbone, Map.of(S1, new Replacement(VARIANT, variant)));
        assertEquals(TestModels.backbone(), backbone);
    }
}
