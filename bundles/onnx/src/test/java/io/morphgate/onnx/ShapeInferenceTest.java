package io.morphgate.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import org.junit.jupiter.api.Test;

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
}
