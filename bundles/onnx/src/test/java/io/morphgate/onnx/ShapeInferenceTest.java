package io.morphgate.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShapeInferenceTest {

    @Test
    void smallCnn() {
        GraphBuilder b = new GraphBuilder("cnn");
        String x = b.input("x", 1, 28, 28);
        String a = b.conv(x, new float[16 * 9], 16, 1, 3, 3, null, 1);
        String c = b.maxPool(b.conv(a, new float[32 * 16 * 9], 32, 16, 3, 3, new float[32], 1), 2, 2);
        String p = b.maxPool(a, 2, 2);
        String cat = b.concat(1, c, p);
        String s = b.conv(cat, new float[8 * 48 * 9], 8, 48, 3, 3, null, 2, 2, 0, 0, 1, 1, 1);
        String g = b.globalAveragePool(s);
        String f = b.flatten(g);
        String y = b.softmax(b.gemm(f, new float[10 * 8], 10, 8, new float[10]));
        Map<String, long[]> shapes = ShapeInference.infer(b.output(y, "y", 10).build());
        assertArrayEquals(new long[] {-1, 1, 28, 28}, shapes.get("x"));
        assertArrayEquals(new long[] {-1, 16, 28, 28}, shapes.get(a));
        assertArrayEquals(new long[] {-1, 32, 14, 14}, shapes.get(c));
        assertArrayEquals(new long[] {-1, 48, 14, 14}, shapes.get(cat));
        assertArrayEquals(new long[] {-1, 8, 7, 7}, shapes.get(s)); // (14 + 1 - 3) / 2 + 1
        assertArrayEquals(new long[] {-1, 8, 1, 1}, shapes.get(g));
        assertArrayEquals(new long[] {-1, 8}, shapes.get(f));
        assertArrayEquals(new long[] {-1, 10}, shapes.get("y"));
        assertArrayEquals(new long[] {16, 1, 3, 3}, shapes.get("cnn/Conv_0/W"));
    }

    @Test
    void channelMismatchNamesTheNode() {
        GraphBuilder b = new GraphBuilder("bad").withName("conv2");
        String t = b.conv(b.input("x", 32, 8, 8), new float[8 * 16 * 9], 8, 16, 3, 3, null, 1);
        ModelProto model = b.output(t, "y", 8, 8, 8).build();
        GraphException e = assertThrows(GraphException.class, () -> ShapeInference.infer(model));
        assertEquals("node conv2/Conv_0 (Conv): weight has 16 input channels per group but input has 32 channels",
                e.getMessage());
    }

    @Test
    void gemmFeatureMismatch() {
        GraphBuilder b = new GraphBuilder("fc");
        String t = b.gemm(b.input("x", 10), new float[4 * 9], 4, 9, null);
        GraphException e = assertThrows(GraphException.class,
                () -> ShapeInference.infer(b.output(t, "y", 4).build()));
        assertTrue(e.getMessage().startsWith("node fc/Gemm_0 (Gemm): A [-1,10] has 10 features"), e.getMessage());
    }

    @Test
    void unsupportedOperator() {
        ModelProto m = TestModels.backbone();
        ModelProto bad = m.toBuilder().setGraph(m.getGraph().toBuilder()
                .setNode(0, m.getGraph().getNode(0).toBuilder().setOpType("ConvTranspose"))).build();
        GraphException e = assertThrows(GraphException.class, () -> ShapeInference.infer(bad));
        assertEquals("node s1/Conv_0 (ConvTranspose): unsupported operator", e.getMessage());
    }

    @Test
    void concatRefusesMismatchedSpatialSize() {
        GraphBuilder b = new GraphBuilder("cat");
        String x = b.input("x", 4, 8, 8);
        String p = b.maxPool(x, 2, 2);
        String c = b.concat(1, x, p);
        GraphException e = assertThrows(GraphException.class,
                () -> ShapeInference.infer(b.output(c, "y", 8, 8, 8).build()));
        assertTrue(e.getMessage().contains("(Concat)") && e.getMessage().contains("outside axis 1"), e.getMessage());
    }

    /** A MobileNet-V2 block: 1x1 expand, ReLU6, 3x3 depthwise with stride 2, ReLU6, 1x1 project. */
    @Test
    void depthwiseConvWithStrideAndReluSix() {
        GraphBuilder b = new GraphBuilder("mb");
        String x = b.input("x", 4, 9, 9);
        String zero = b.constant(new long[0], 0f);
        String six = b.constant(new long[0], 6f);
        String expand = b.clip(b.conv(x, new float[24 * 4], 24, 4, 1, 1, null, 1), zero, six);
        String depthwise = b.conv(expand, new float[24 * 9], 24, 1, 3, 3, null, 2, 2, 1, 1, 1, 1, 24);
        String relu6 = b.clip(depthwise, zero, six);
        String project = b.conv(relu6, new float[8 * 24], 8, 24, 1, 1, null, 1);
        Map<String, long[]> shapes = ShapeInference.infer(b.output(project, "y", 8, 5, 5).build());
        assertArrayEquals(new long[0], shapes.get(zero));
        assertArrayEquals(new long[] {-1, 24, 9, 9}, shapes.get(expand));
        assertArrayEquals(new long[] {-1, 24, 5, 5}, shapes.get(depthwise)); // (9 + 2 - 3) / 2 + 1
        assertArrayEquals(new long[] {-1, 24, 5, 5}, shapes.get(relu6));
        assertArrayEquals(new long[] {-1, 8, 5, 5}, shapes.get("y"));
    }

    @Test
    void groupsThatDoNotDivideTheChannelsAreRefused() {
        GraphBuilder b = new GraphBuilder("g");
        String t = b.conv(b.input("x", 6, 4, 4), new float[8 * 2 * 9], 8, 2, 3, 3, null, 4);
        GraphException e = assertThrows(GraphException.class,
                () -> ShapeInference.infer(b.output(t, "y", 8, 4, 4).build()));
        assertEquals("node g/Conv_0 (Conv): group 4 does not divide input channels 6 and output channels 8",
                e.getMessage());
    }

    @Test
    void constantHasTheShapeOfItsValue() {
        GraphBuilder b = new GraphBuilder("c");
        String x = b.input("x", 3, 2, 2);
        String perChannel = b.constant(new long[] {3, 1, 1}, 1f, 2f, 3f);
        Map<String, long[]> shapes = ShapeInference.infer(b.output(b.add(x, perChannel), "y", 3, 2, 2).build());
        assertArrayEquals(new long[] {3, 1, 1}, shapes.get(perChannel));
        assertArrayEquals(new long[] {-1, 3, 2, 2}, shapes.get("y"));
    }

    @Test
    void clipBoundsMayBeInitializersOrLeftOut() {
        GraphBuilder b = new GraphBuilder("c");
        String x = b.input("x", 5);
        String low = b.initializer("low", new long[0], -1f);
        String high = b.initializer("high", new long[0], 1f);
        String both = b.clip(x, low, high);
        String maxOnly = b.clip(both, null, high);
        String none = b.clip(maxOnly, null, null);
        ModelProto m = b.output(none, "y", 5).build();
        assertEquals(List.of(both, "", "high"), m.getGraph().getNode(1).getInputList());
        assertEquals(List.of(maxOnly), m.getGraph().getNode(2).getInputList());
        assertArrayEquals(new long[] {-1, 5}, ShapeInference.infer(m).get("y"));
    }

    @Test
    void clipBoundThatIsNotAScalarIsRefused() {
        GraphBuilder b = new GraphBuilder("c");
        String min = b.constant(new long[] {1}, 0f);
        String t = b.clip(b.input("x", 5), min, null);
        GraphException e = assertThrows(GraphException.class,
                () -> ShapeInference.infer(b.output(t, "y", 5).build()));
        assertEquals("node c/Clip_1 (Clip): min c/Constant_0 has shape [1], expected a scalar (shape [])",
                e.getMessage());
    }

    @Test
    void clipTakesItsBoundsAsAttributesBeforeOpset11AndAsInputsFrom11() {
        ModelProto opset10 = TestModels.clipWithAttributesAtOpset10(0f, 6f);
        assertArrayEquals(new long[] {-1, 6}, ShapeInference.infer(opset10).get("y"));

        ModelProto attributesAtOpset17 = opset10.toBuilder().setOpsetImport(0,
                opset10.getOpsetImport(0).toBuilder().setVersion(17)).build();
        GraphException e = assertThrows(GraphException.class, () -> ShapeInference.infer(attributesAtOpset17));
        assertEquals("node clip10/Clip (Clip): min and max are inputs since opset 11, not attributes (model opset "
                + "17)", e.getMessage());

        GraphBuilder b = new GraphBuilder("c");
        String t = b.clip(b.input("x", 6), b.constant(new long[0], 0f), null);
        ModelProto inputsAtOpset17 = b.output(t, "y", 6).build();
        ModelProto inputsAtOpset10 = inputsAtOpset17.toBuilder().setOpsetImport(0,
                inputsAtOpset17.getOpsetImport(0).toBuilder().setVersion(10)).build();
        e = assertThrows(GraphException.class, () -> ShapeInference.infer(inputsAtOpset10));
        assertEquals("node c/Clip_1 (Clip): has 2 inputs; before opset 11 min and max are attributes, not inputs "
                + "(model opset 10)", e.getMessage());
    }

    @Test
    void constantOtherThanAFloatTensorIsRefused() {
        GraphBuilder b = new GraphBuilder("c");
        String x = b.input("x", 2);
        ModelProto m = b.output(b.add(x, b.constant(new long[] {2}, 1f, 2f)), "y", 2).build();
        NodeProto constant = m.getGraph().getNode(0);

        NodeProto ints = constant.toBuilder().clearAttribute().addAttribute(AttributeProto.newBuilder()
                .setName("value_ints").setType(AttributeProto.AttributeType.INTS).addInts(1).addInts(2)).build();
        assertRefused(m, ints, "node c/Constant_0 (Constant): attribute value_ints is not supported (only value, a "
                + "FLOAT tensor)");

        TensorProto int64 = TensorProto.newBuilder().setDataType(TensorProto.DataType.INT64_VALUE).addDims(2)
                .addInt64Data(1).addInt64Data(2).build();
        assertRefused(m, withValue(constant, int64), "node c/Constant_0 (Constant): value has data type 7; only "
                + "FLOAT (1) is supported");

        TensorProto tooShort = constant.getAttribute(0).getT().toBuilder().clearDims().addDims(3).build();
        assertRefused(m, withValue(constant, tooShort), "node c/Constant_0 (Constant): value has 8 bytes of "
                + "raw_data but dims [3] need 12");

        assertRefused(m, constant.toBuilder().clearAttribute().build(),
                "node c/Constant_0 (Constant): attribute value is required");
    }

    private static NodeProto withValue(NodeProto constant, TensorProto value) {
        return constant.toBuilder().setAttribute(0, constant.getAttribute(0).toBuilder().setT(value)).build();
    }

    private static void assertRefused(ModelProto m, NodeProto replacement, String message) {
        ModelProto edited = m.toBuilder().setGraph(m.getGraph().toBuilder().setNode(0, replacement)).build();
        GraphException e = assertThrows(GraphException.class, () -> ShapeInference.infer(edited));
        assertEquals(message, e.getMessage());
    }
}
