package io.morphgate.backbone.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OrtEnvironment;
import io.morphgate.api.inference.InferenceException;
import io.morphgate.api.inference.InferenceResult;
import io.morphgate.api.model.Configuration;
import io.morphgate.model.InvalidModelException;
import io.morphgate.onnx.CostCounter;
import io.morphgate.onnx.OnnxModelIO;

/** Serving models of any input, and exported with a batch of exactly one; the health probe of a new model. */
class ServingModelTest {

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final SessionFactory sessions = new SessionFactory(env, 1, false);
    private final ServingModel serving = new ServingModel(env);
    private final BackboneArtifacts fashion = TestBackbones.synthetic();

    @AfterEach
    void close() {
        serving.close();
    }

    @Test
    void aModelExportedWithABatchOfOneServesBatchesOneSampleAtATime() throws Exception {
        ModelProto.Builder fixed = fashion.model().toBuilder();
        fixed.getGraphBuilder().getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder()
                .getDimBuilder(0).clearDimParam().setDimValue(1);
        BackboneArtifacts batchOfOne = BackboneArtifacts.of(fashion.descriptor(), OnnxModelIO.write(fixed.build()),
                null, List.of());
        assertTrue(batchOfOne.batchOfOne());
        assertFalse(fashion.batchOfOne());
        List<float[]> inputs = inputs(5);
        List<InferenceResult> one = serving.runOn(composed(batchOfOne), inputs);
        List<InferenceResult> batched = serving.runOn(composed(fashion), inputs);
        assertEquals(5, one.size());
        for (int i = 0; i < inputs.size(); i++) {
            assertArrayEquals(batched.get(i).probabilities(), one.get(i).probabilities(), 1e-6f);
        }
    }

    @Test
    void aWrongInputNamesTheShapeOfTheModelServing() throws Exception {
        serving.switchTo(composed(fashion));
        InferenceException e = assertThrows(InferenceException.class, () -> serving.infer(new float[3 * 64 * 64]));
        assertEquals(InferenceException.Code.WRONG_SHAPE, e.code());
        assertTrue(e.getMessage().contains("1x28x28 = 784"), e.getMessage());
    }

    @Test
    void withoutAModelInferenceIsNotReady() {
        InferenceException e = assertThrows(InferenceException.class, () -> serving.infer(new float[784]));
        assertEquals(InferenceException.Code.NOT_READY, e.code());
    }

    @Test
    void theProbeRefusesAModelWithNonFiniteOutputsAndPassesAHealthyOne() {
        ModelProbe.check(fashion, sessions, serving);
        ModelProto.Builder poisoned = fashion.model().toBuilder();
        var graph = poisoned.getGraphBuilder();
        int last = graph.getInitializerCount() - 1;
        var bias = graph.getInitializer(last).toBuilder().clearRawData().clearFloatData();
        long count = graph.getInitializer(last).getDimsList().stream().reduce(1L, (a, b) -> a * b);
        for (long i = 0; i < count; i++) {
            bias.addFloatData(Float.NaN);
        }
        graph.setInitializer(last, bias);
        BackboneArtifacts broken = BackboneArtifacts.of(fashion.descriptor(), OnnxModelIO.write(poisoned.build()),
                null, fashion.calibrationImages());
        InvalidModelException e = assertThrows(InvalidModelException.class,
                () -> ModelProbe.check(broken, sessions, serving));
        assertTrue(e.getMessage().contains("non-finite outputs"), e.getMessage());
    }

    private ComposedModel composed(BackboneArtifacts model) throws Exception {
        return new ComposedModel(sessions, sessions.create(OnnxModelIO.write(model.model())), model,
                Configuration.DEFAULT, 1, CostCounter.count(model.model()));
    }

    private static List<float[]> inputs(int count) {
        Random random = new Random(3);
        List<float[]> inputs = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            float[] x = new float[784];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) random.nextGaussian();
            }
            inputs.add(x);
        }
        return inputs;
    }
}
