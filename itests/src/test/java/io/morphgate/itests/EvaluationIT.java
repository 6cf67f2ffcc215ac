package io.morphgate.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.Map;
import java.util.Optional;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import io.morphgate.api.evaluation.AccuracyEvaluator;
import io.morphgate.api.evaluation.EvaluationReport;
import io.morphgate.api.evaluation.LabelledImages;
import io.morphgate.api.inference.InferenceResult;
import io.morphgate.api.inference.InferenceService;
import io.morphgate.api.model.ModelControl;
import io.morphgate.api.model.SlotState;
import io.morphgate.evaluation.dataset.FashionMnist;

/**
 * The gateway measures a configuration itself on real Fashion-MNIST test images, and leaves its pins as it found
 * them.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class EvaluationIT extends TestSupport {

    private static final int IMAGES = 300;

    @Configuration
    public Option[] configuration() {
        return gatewayOptions("morphgate-core", "morphgate-operator-lowrank", "morphgate-evaluation");
    }

    @Test
    public void evaluatesAConfigurationAndCountsExactlyWhatTheInferenceServiceAnswers() throws Exception {
        ModelControl control = service(ModelControl.class, 10_000);
        AccuracyEvaluator evaluator = service(AccuracyEvaluator.class, 10_000);
        InferenceService inference = service(InferenceService.class, 10_000);
        await("the low-rank variants to be accepted", 30_000,
                () -> control.status().variants().stream().filter(v -> v.accepted()).count() >= 8);
        LabelledImages images = FashionMnist.read(FashionMnist.DEBIAN_DIRECTORY, FashionMnist.Split.TEST, IMAGES);
        control.pin("conv2", "lowrank-conv2-b0.5").toCompletableFuture().get();
        io.morphgate.api.model.Configuration before = control.status().configuration();

        io.morphgate.api.model.Configuration wanted = new io.morphgate.api.model.Configuration(
                Map.of("conv1", "lowrank-conv1-b0.25", "conv4", "lowrank-conv4-b0.5"));
        EvaluationReport report = evaluator.evaluate(wanted, images, 20);

        assertEquals(wanted.id(), report.configurationId());
        assertEquals(IMAGES, report.samples());
        assertTrue(report.p50LatencyMillis() > 0 && report.p99LatencyMillis() >= report.p50LatencyMillis());
        assertEquals("the gateway serves what it served before", before, control.status().configuration());
        Optional<String> conv2 = control.status().slots().stream().filter(s -> s.spec().name().equals("conv2"))
                .findFirst().flatMap(SlotState::pinnedVariant);
        assertEquals(Optional.of("lowrank-conv2-b0.5"), conv2);
        assertEquals(report.configurationId(), wanted.id());

        // the count is the inference service's own answers for that configuration, image by image
        control.pin(Map.of("conv1", "lowrank-conv1-b0.25", "conv2", "default", "conv3", "default", "conv4",
                "lowrank-conv4-b0.5")).toCompletableFuture().get();
        int correct = 0;
        for (int i = 0; i < IMAGES; i++) {
            InferenceResult r = inference.infer(ServingInputs.normalised(images.pixels().get(i), inference));
            assertEquals(wanted.id(), r.configurationId());
            correct += r.predictedClass() == images.labels()[i] ? 1 : 0;
        }
        assertEquals(correct, report.correct());
    }

    @Test
    public void anUnknownVariantIsRefusedWithItsName() throws Exception {
        AccuracyEvaluator evaluator = service(AccuracyEvaluator.class, 10_000);
        LabelledImages images = FashionMnist.read(FashionMnist.DEBIAN_DIRECTORY, FashionMnist.Split.TEST, 10);
        try {
            evaluator.evaluate(new io.morphgate.api.model.Configuration(Map.of("conv2", "no-such-variant")), images, 1);
            fail("an unknown variant was evaluated");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("no-such-variant"));
        }
    }
}
