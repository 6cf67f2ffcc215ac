package io.morphgate.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import java.util.Map;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.FrameworkUtil;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

/**
 * ONNX Runtime's natives load inside the framework: a one-node Relu model, built here with the ai.onnx.proto
 * classes morphgate-onnx exports, runs in a session whose classes come from the morphgate-onnxruntime bundle.
 * Runs only when morphgate-onnxruntime is a bundle of this build (see itests/pom.xml, profile itests-onnxruntime).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class OnnxRuntimeIT extends TestSupport {

    static final String ONNXRUNTIME = "io.morphgate.onnxruntime";

    @Configuration
    public Option[] configuration() {
        return gatewayOptions("morphgate-core");
    }

    @Test
    public void reluModelRunsInAnOrtSessionInsideTheFramework() throws Exception {
        assertTrue("bundle " + ONNXRUNTIME + " is not provisioned", isInstalled(ONNXRUNTIME));
        assertEquals("ai.onnxruntime comes from", ONNXRUNTIME, FrameworkUtil.getBundle(OrtEnvironment.class).getSymbolicName());

        OrtEnvironment env = OrtEnvironment.getEnvironment(); // a JVM-wide singleton: not closed here
        try (OrtSession session = env.createSession(reluModel(4).toByteArray(), new OrtSession.SessionOptions());
             OnnxTensor x = OnnxTensor.createTensor(env, new float[][] {{-1.5f, 0f, 2f, -0.25f}});
             OrtSession.Result result = session.run(Map.of("x", x))) {
            float[][] y = (float[][]) result.get("y").orElseThrow().getValue();
            assertArrayEquals(new float[] {0f, 0f, 2f, 0f}, y[0], 0f);
        }
    }

    private boolean isInstalled(String symbolicName) {
        return Arrays.stream(context.getBundles()).anyMatch(b -> symbolicName.equals(b.getSymbolicName()));
    }

    /** y = Relu(x), x and y float[1, width]; IR 8, opset 14. */
    static ModelProto reluModel(int width) {
        return ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("morphgate-itests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(14))
                .setGraph(GraphProto.newBuilder()
                        .setName("relu")
                        .addNode(NodeProto.newBuilder().setOpType("Relu").setName("relu0").addInput("x").addOutput("y"))
                        .addInput(floatTensor("x", 1, width))
                        .addOutput(floatTensor("y", 1, width)))
                .build();
    }

    private static ValueInfoProto floatTensor(String name, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT.getNumber()).setShape(shape)))
                .build();
    }
}
