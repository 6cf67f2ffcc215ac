package io.morphgate.operator.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import io.morphgate.api.variant.DerivationProgress;
import io.morphgate.api.variant.DerivationProgress.Phase;
import io.morphgate.api.variant.OperatorKind;
import io.morphgate.api.variant.SlotSkip;
import io.morphgate.operator.kit.testing.FakeOperatorFramework;

class OperatorReportTest {

    @Test
    void listsEachSkipOnceInSlotOrderWhateverOrderTheyCameIn() {
        FakeOperatorFramework framework = new FakeOperatorFramework();
        OperatorReport report = OperatorReport.register(framework.context(), OperatorKind.FIRE,
                FakeOperatorFramework.catalog(true), List.of(new SlotSkip(OperatorKind.FIRE, "conv4", "not pooled"),
                        new SlotSkip(OperatorKind.FIRE, "conv4", "not pooled")));
        report.skip("conv2", "not pooled");
        assertEquals(List.of(new SlotSkip(OperatorKind.FIRE, "conv2", "not pooled"),
                new SlotSkip(OperatorKind.FIRE, "conv4", "not pooled")), report.skipped());
        assertEquals(Optional.of(report), framework.report());
        report.close();
        assertTrue(framework.reportWithdrawn());
    }

    @Test
    void aListenerThatFailsDoesNotKeepTheOthersOrTheReportFromHearing() {
        FakeOperatorFramework framework = new FakeOperatorFramework();
        List<DerivationProgress> heard = new CopyOnWriteArrayList<>();
        framework.derivationListeners.add(p -> {
            throw new IllegalStateException("broken listener");
        });
        framework.derivationListeners.add(heard::add);
        OperatorReport report = OperatorReport.register(framework.context(), OperatorKind.LOW_RANK,
                FakeOperatorFramework.catalog(true), List.of());
        DerivationMeter meter = report.meter();
        meter.started(4, 1);
        meter.finished();
        assertEquals(List.of(Phase.STARTED, Phase.FINISHED), heard.stream().map(DerivationProgress::phase).toList());
        assertEquals(Phase.FINISHED, report.derivation().orElseThrow().phase());
    }

    @Test
    void theReportIsRegisteredUnderItsOperatorAndBackbone() {
        FakeOperatorFramework framework = new FakeOperatorFramework();
        OperatorReport.register(framework.context(), OperatorKind.BOTTLENECK, FakeOperatorFramework.catalog(true),
                List.of());
        assertEquals(Map.of("morphgate.operator", "BOTTLENECK", "morphgate.backbone.id",
                FakeOperatorFramework.BACKBONE_ID), framework.reportProperties());
    }
}
