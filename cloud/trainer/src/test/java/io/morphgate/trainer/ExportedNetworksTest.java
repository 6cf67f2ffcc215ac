package io.morphgate.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.morphgate.onnx.OnnxModelIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.FloatBuffer;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The trainer's DJL network built from a network exported by {@code torch.onnx.export} computes what ONNX Runtime
 * (the gateway's runtime) computes on the same ONNX file: same logits within 1e-4, and within 1e-4 of the largest
 * logit, on random inputs.
 */
class ExportedNetworksTest {

    static final double TOLERANCE = 1e-4;
    /** The largest difference, as a fraction of the largest logit. */
    static final double RELATIVE_TOLERANCE = 1e-4;
    private static final int INPUTS = 3;
    private static final int BATCH = 2;

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

    @ParameterizedTest
    @ValueSource(strings = {"resnet18.onnx", "resnet18-bn.onnx", "mobilenet_v2.onnx", "vgg11_bn.onnx"})
    void djlOutputsEqualOnnxRuntimesOnRandomInputs(String file) throws Exception {
        ModelProto model = OnnxModelIO.read(ExportedModels.file(file));
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        double maxDifference = 0;
        double maxLogit = 0;
        try (NDManager m = manager.newSubManager();
                OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(OnnxModelIO.write(model), options)) {
            OnnxGraphBlock block = new OnnxGraphBlock(model, m, name -> false);
            Shape shape = block.inputShape(BATCH);
            for (int seed = 1; seed <= INPUTS; seed++) {
                float[] input = gaussian(new Random(seed), (int) shape.size());
                float[] expected = runtime(env, session, block.inputName(), input, shape.getShape());
                float[] actual;
                try (NDManager s = m.newSubManager()) {
                    actual = block.forward(s.create(input, shape), false).toFloatArray();
                }
                assertArrayEquals(expected, actual, (float) TOLERANCE, file + " input " + seed);
                for (int i = 0; i < expected.length; i++) {
                    maxDifference = Math.max(maxDifference, Math.abs(expected[i] - actual[i]));
                    maxLogit = Math.max(maxLogit, Math.abs(expected[i]));
                }
            }
        }
        System.out.printf(Locale.ROOT, "%s: max |DJL - ONNX Runtime| = %.3g over %d inputs of %d images"
                + " (largest |logit| %.3g)%n", file, maxDifference, INPUTS, BATCH, maxLogit);
        // random-weight networks can have tiny logits (MobileNet-V2's are about 1e-9), where 1e-4 alone says nothing
        assertTrue(maxLogit > 0 && maxDifference <= RELATIVE_TOLERANCE * maxLogit, file + ": max difference "
                + maxDifference + " is more than " + RELATIVE_TOLERANCE + " of the largest logit " + maxLogit);
    }

    private static float[] runtime(OrtEnvironment env, OrtSession session, String input, float[] values,
            long[] shape) throws Exception {
        try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(values), shape);
                OrtSession.Result r = session.run(Map.of(input, x))) {
            return ((OnnxTensor) r.get(0)).getFloatBuffer().array();
        }
    }

    private static float[] gaussian(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }
}
