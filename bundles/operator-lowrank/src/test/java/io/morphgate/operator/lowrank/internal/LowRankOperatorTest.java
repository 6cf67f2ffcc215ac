package io.morphgate.operator.lowrank.internal;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.morphgate.api.slot.SlotCatalog;
import io.morphgate.api.variant.OperatorKind;
import io.morphgate.operator.kit.testing.DerivingOperatorContract;
import io.morphgate.operator.kit.testing.FakeOperatorFramework;

/** The operator contract, for the low-rank operator: both betas on every slot. */
class LowRankOperatorTest extends DerivingOperatorContract {

    @Override
    protected Runnable activate(FakeOperatorFramework framework, SlotCatalog catalog, Map<String, Object> overrides) {
        return new LowRankOperator(framework.context(), catalog,
                FakeOperatorFramework.configuration(LowRankConfiguration.class, overrides))::deactivate;
    }

    @Override
    protected boolean reproducesStrides() {
        return true;
    }

    @Override
    protected OperatorKind kind() {
        return OperatorKind.LOW_RANK;
    }

    @Override
    protected List<String> syntheticIds() {
        return Stream.of("conv1", "conv2", "conv3", "conv4")
                .flatMap(slot -> Stream.of("lowrank-" + slot + "-b0.5", "lowrank-" + slot + "-b0.25")).toList();
    }
}
