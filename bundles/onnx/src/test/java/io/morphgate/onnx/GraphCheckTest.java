package io.morphgate.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.morphgate.onnx.internal.Shapes;
import org.junit.jupiter.api.Test;

import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GraphCheckTest {
    private final ModelProto backbone = TestModels.backbone();

    @Test
    void acceptsTheBackbone() {
        assertDoesNotThrow(() -> GraphCheck.check(backbone));
        assertEquals(GraphBuilder.IR_VERSION, backbone.getIrVersion());
        assertEquals("morphgate", backbone.getProducerName());
    }

    @Test
    void refusesIr11() {
        assertMessage(backbone.toBuilder().setIrVersion(11).build(), "IR version 11 is not supported (1..10)");
    }

    @Test
    void refusesOpset22() {
        ModelProto m = backbone.toBuilder().clearOpsetImport()
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(22)).build();
        assertMessage(m, "opset 22 is not supported (7..21)");
    }

    @Test
    void refusesOtherDomains() {
        ModelProto m = backbone.toBuilder()
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("com.microsoft").setVersion(1)).build();
        assertMessage(m, "opset domain com.microsoft is not supported (default domain only)");
    }

    @Test
    void refusesUseBeforeDefinition() {
        // Swap the first two nodes: the BN now reads the conv output before the conv runs.
        ModelProto m = graph(g -> {
            NodeProto conv = g.getNode(0);
            return g.setNode(0, g.getNode(1)).setNode(1, conv);
        });
        assertMessage(m, "node s1/BatchNormalization_1 (BatchNormalization): input s1/Conv_0 is used before it is "
                + "produced (nodes not topologically sorted, or a cycle)");
    }

    @Test
    void refusesCycle() {
        // The conv reads the ReLU output, which depends on the conv.
        ModelProto m = graph(g -> g.setNode(0, g.getNode(0).toBuilder().setInput(0, "s1_out")));
        GraphException e = assertThrows(GraphException.class, () -> GraphCheck.check(m));
        assertTrue(e.getMessage().startsWith("node s1/Conv_0 (Conv): input s1_out is used before it is produced"),
                e.getMessage());
    }

    @Test
    void refusesDuplicateNodeNames() {
        ModelProto m = graph(g -> g.setNode(1, g.getNode(1).toBuilder().setName("s1/Conv_0")));
        assertMessage(m, "node name s1/Conv_0 is used twice");
    }

    @Test
    void refusesTensorProducedTwice() {
        ModelProto m = graph(g -> g.setNode(2, g.getNode(2).toBuilder().setOutput(0, "s1/Conv_0")));
        assertMessage(m, "node s1/Relu_2 (Relu): output s1/Conv_0 is already defined (tensor produced twice)");
    }

    @Test
    void refusesMissingInitializer() {
        ModelProto m = graph(g -> g.removeInitializer(0));
        assertMessage(m, "node s1/Conv_0 (Conv): input s1/Conv_0/W is not defined (no graph input, initializer or "
                + "node output of that name)");
    }

    @Test
    void refusesInitializerOfWrongLength() {
        ModelProto m = graph(g -> {
            TensorProto w = g.getInitializer(0);
            return g.setInitializer(0, w.toBuilder().setRawData(w.getRawData().substring(4)));
        });
        assertMessage(m, "initializer s1/Conv_0/W has 1148 bytes of raw_data but dims [8, 4, 3, 3] need 1152");
    }

    @Test
    void refusesInitializerWithoutData() {
        ModelProto m = graph(g -> g.setInitializer(0, g.getInitializer(0).toBuilder().clearRawData()));
        assertMessage(m, "initializer s1/Conv_0/W has no data (dims [8, 4, 3, 3])");
    }

    @Test
    void refusesHugeInitializer() {
        ModelProto m = graph(g -> g.setInitializer(0, g.getInitializer(0).toBuilder().clearDims()
                .addDims(1 << 14).addDims(1 << 14)));
        GraphException e = assertThrows(GraphException.class, () -> GraphCheck.check(m));
        assertTrue(e.getMessage().contains("more than 67108864 elements"), e.getMessage());
    }

    @Test
    void refusesTwoOutputs() {
        ModelProto m = graph(g -> g.addOutput(Shapes.floatValue("s1_out", new long[] {-1, 8, 8, 8})));
        assertMessage(m, "graph must have exactly one output, has 2 [y, s1_out]");
    }

    @Test
    void refusesTwoInputs() {
        ModelProto m = graph(g -> g.addInput(Shapes.floatValue("z", new long[] {-1, 4, 8, 8})));
        assertMessage(m, "graph must have exactly one input, has 2 [x, z]");
    }

    @Test
    void refusesWrongDeclaredOutputShape() {
        ModelProto m = graph(g -> g.setOutput(0, Shapes.floatValue("y", new long[] {-1, 4})));
        assertMessage(m, "graph output y is declared [-1,4] but inferred [-1,3]");
    }

    @Test
    void refusesOutputThatNothingProduces() {
        ModelProto m = graph(g -> g.setOutput(0, Shapes.floatValue("nowhere", new long[] {-1, 3})));
        assertMessage(m, "graph output nowhere is not produced by any node");
    }

    @Test
    void shapeProblemsSurface() {
        ModelProto m = graph(g -> g.setNode(0, g.getNode(0).toBuilder().setInput(1, "s2/Conv_3/W")));
        GraphException e = assertThrows(GraphException.class, () -> GraphCheck.check(m));
        assertEquals("node s1/Conv_0 (Conv): weight has 8 input channels per group but input has 4 channels",
                e.getMessage());
    }

    private ModelProto graph(UnaryOperator<GraphProto.Builder> edit) {
        return backbone.toBuilder().setGraph(edit.apply(backbone.getGraph().toBuilder())).build();
    }

    private static void assertMessage(ModelProto model, String message) {
        GraphException e = assertThrows(GraphException.class, () -> GraphCheck.check(model));
        assertEquals(message, e.getMessage());
    }

    /** An inverted residual block as torch.onnx.export writes MobileNet-V2's: ReLU6 as Clip with Constant bounds. */
    @Test
    void acceptsConstantsAndClipsOfAMobileNetBlock() {
        GraphBuilder b = new GraphBuilder("mb");
        String x = b.input("x", 4, 6, 6);
        String t = b.conv(x, new float[16 * 4], 16, 4, 1, 1, new float[16], 1);
        t = b.clip(t, b.constant(new long[0], 0f), b.constant(new long[0], 6f));
        t = b.conv(t, new float[16 * 9], 16, 1, 3, 3, new float[16], 16);
        t = b.clip(t, b.constant(new long[0], 0f), b.constant(new long[0], 6f));
        t = b.add(x, b.conv(t, new float[4 * 16], 4, 16, 1, 1, new float[4], 1));
        assertEquals(4, GraphCheck.check(b.output(t, "y", 4, 6, 6).build()).get("y")[1]);
    }
}
