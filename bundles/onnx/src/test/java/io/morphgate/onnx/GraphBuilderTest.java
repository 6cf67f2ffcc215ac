package io.morphgate.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import io.morphgate.onnx.reference.ReferenceEvaluator;
import io.morphgate.onnx.reference.ReferenceEvaluator.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GraphBuilderTest {

    @Test
    void modelHeaderAndReadableNames() {
        GraphBuilder b = new GraphBuilder("net");
        String x = b.input("x", 2, 4, 4);
        String c = b.conv(x, new float[3 * 2 * 9], 3, 2, 3, 3, new float[3], 1);
        b.withName("conv2");
        String r = b.relu(c);
        ModelProto m = b.output(r, "y", 3, 4, 4).build();
        assertEquals(8, m.getIrVersion());
        assertEquals("", m.getOpsetImport(0).getDomain());
        assertEquals(17, m.getOpsetImport(0).getVersion());
        assertEquals("morphgate", m.getProducerName());
        assertEquals("net", m.getGraph().getName());
        assertEquals(List.of("net/Conv_0", "conv2/Relu_1"),
                m.getGraph().getNodeList().stream().map(NodeProto::getName).toList());
        assertEquals(List.of("x", "net/Conv_0/W", "net/Conv_0/B"), m.getGraph().getNode(0).getInputList());
        assertEquals(List.of("y"), m.getGraph().getNode(1).getOutputList());
        assertEquals("N", m.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
        GraphCheck.check(m);
    }

    @Test
    void sameConvPadsEachAxisByHalfTheKernel() {
        GraphBuilder b = new GraphBuilder("p");
        String t = b.conv(b.input("x", 1, 5, 5), new float[3], 1, 1, 1, 3, null, 1);
        ModelProto m = b.output(t, "y", 1, 5, 5).build();
        assertEquals(List.of(0L, 1L, 0L, 1L), m.getGraph().getNode(0).getAttributeList().stream()
                .filter(a -> a.getName().equals("pads")).findFirst().orElseThrow().getIntsList());
        assertArrayEquals(new long[] {-1, 1, 5, 5}, ShapeInference.infer(m).get("y"));
        assertThrows(IllegalArgumentException.class,
                () -> new GraphBuilder("e").conv(new GraphBuilder("e").input("x", 1, 4, 4), new float[4], 1, 1, 2, 2,
                        null, 1));
    }

    @Test
    void renameRewritesConsumers() {
        GraphBuilder b = new GraphBuilder("n");
        String r = b.rename(b.relu(b.input("x", 1, 2, 2)), "s1_out");
        String s = b.relu(r);
        ModelProto m = b.output(s, "y", 1, 2, 2).build();
        assertEquals(List.of("s1_out"), m.getGraph().getNode(0).getOutputList());
        assertEquals(List.of("s1_out"), m.getGraph().getNode(1).getInputList());
        assertThrows(IllegalArgumentException.class, () -> b.rename("x", "z"));
        assertThrows(IllegalArgumentException.class, () -> b.relu("unknown"));
    }

    @Test
    void outputOfTheGraphInputGoesThroughIdentity() {
        GraphBuilder b = new GraphBuilder("id");
        ModelProto m = b.output(b.input("x", 3), "y", 3).build();
        assertEquals("Identity", m.getGraph().getNode(0).getOpType());
        GraphCheck.check(m);
        Tensor in = new Tensor(new long[] {1, 3}, new float[] {1, 2, 3});
        assertArrayEquals(in.data(), ReferenceEvaluator.run(m, in).data());
    }

    @Test
    void refusesDuplicateTensorNames() {
        GraphBuilder b = new GraphBuilder("d");
        b.input("x", 1);
        assertThrows(IllegalArgumentException.class, () -> b.input("x", 2));
    }

    @Test
    void constantsInitializersAndClipBoundsAreCheckedTensors() {
        GraphBuilder b = new GraphBuilder("k");
        String x = b.input("x", 2);
        String six = b.constant(new long[0], 6f);
        assertEquals("k/Constant_0", six);
        assertThrows(IllegalArgumentException.class, () -> b.clip(x, "nowhere", six));
        assertThrows(IllegalArgumentException.class, () -> b.initializer(six, new long[0], 1f));
        assertThrows(IllegalArgumentException.class, () -> b.constant(new long[] {2}, 1f));
        assertThrows(IllegalArgumentException.class, () -> b.initializer("zero", new long[] {2}, 0f));
        String y = b.clip(x, b.initializer("zero", new long[0], 0f), six);
        ModelProto m = b.output(y, "y", 2).build();
        assertEquals(List.of("Constant", "Clip"),
                m.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList());
        assertEquals(List.of("x", "zero", "k/Constant_0"), m.getGraph().getNode(1).getInputList());
        GraphCheck.check(m);
    }
}
