package io.morphgate.operator.bottleneck.internal;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.morphgate.api.slot.SlotCatalog;
import io.morphgate.api.variant.OperatorKind;
import io.morphgate.operator.kit.testing.DerivingOperatorContract;
import io.morphgate.operator.kit.testing.FakeOperatorFramework;

/** The operator contract, for the bottleneck operator: both betas on every slot. */
class BottleneckOperatorTest extends DerivingOperatorContract {

    @Override
    protected Runnable activate(FakeOperatorFramework framework, SlotCatalog catalog, Map<String, Object> overrides) {
        return new BottleneckOperator(framework.context(), catalog,
                FakeOperatorFramework.configuration(BottleneckConfiguration.class, overrides))::deactivate;
    }

    @Override
    protected boolean reproducesStrides() {
        return true;
    }

    @Override
    protected OperatorKind kind() {
        return OperatorKind.BOTTLENECK;
    }

    @Override
    protected List<String> syntheticIds() {
        return Stream.of("conv1", "conv2", "conv3", "conv4")
                .flatMap(slot -> Stream.of("bottleneck-" + slot + "-b0.5", "bottleneck-" + slot + "-b0.25")).toList();
    }
}
