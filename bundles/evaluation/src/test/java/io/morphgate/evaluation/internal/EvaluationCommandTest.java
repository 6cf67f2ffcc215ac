package io.morphgate.evaluation.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.morphgate.api.variant.DerivationProgress;
import io.morphgate.api.variant.DerivationProgress.Phase;
import io.morphgate.api.variant.OfferReport;
import io.morphgate.api.variant.OperatorKind;
import io.morphgate.api.variant.SlotSkip;

/**
 * The evaluation waits for derived variants: a model of real size serves long before its operators have derived
 * (and registered) them, and an evaluation that starts then finds no variant to swap in.
 */
class EvaluationCommandTest {

    @Test
    void waitsForDerivationsOfTheServingModelThatHaveNotEnded() {
        List<OfferReport> offers = List.of(
                offer(OperatorKind.LOW_RANK, "resnet20", Optional.of(Phase.RUNNING)),
                offer(OperatorKind.BOTTLENECK, "resnet20", Optional.of(Phase.STARTED)),
                offer(OperatorKind.DEPTHWISE_SEPARABLE, "resnet20", Optional.of(Phase.FINISHED)),
                offer(OperatorKind.FIRE, "resnet20", Optional.empty()),
                offer(OperatorKind.MULTI_BRANCH, "other-model", Optional.of(Phase.RUNNING)));

        assertEquals(List.of("BOTTLENECK", "LOW_RANK"), EvaluationCommand.deriving("resnet20", offers));
    }

    @Test
    void failedOrCancelledDerivationsAreNotWaitedFor() {
        List<OfferReport> offers = List.of(
                offer(OperatorKind.LOW_RANK, "resnet20", Optional.of(Phase.FAILED)),
                offer(OperatorKind.BOTTLENECK, "resnet20", Optional.of(Phase.CANCELLED)));

        assertEquals(List.of(), EvaluationCommand.deriving("resnet20", offers));
    }

    private static OfferReport offer(OperatorKind operator, String backboneId, Optional<Phase> phase) {
        Optional<DerivationProgress> progress = phase.map(p -> new DerivationProgress(operator, backboneId, p, 1, 19,
                1, 0, Duration.ofSeconds(1), Optional.empty(), Optional.empty()));
        return new OfferReport() {
            @Override
            public OperatorKind operator() {
                return operator;
            }

            @Override
            public String backboneId() {
                return backboneId;
            }

            @Override
            public List<SlotSkip> skipped() {
                return List.of();
            }

            @Override
            public Optional<DerivationProgress> derivation() {
                return progress;
            }
        };
    }
}
