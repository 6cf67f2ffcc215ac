package io.morphgate.operator.depthwise.internal;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.morphgate.api.slot.SlotCatalog;
import io.morphgate.api.variant.OperatorKind;
import io.morphgate.operator.kit.testing.DerivingOperatorContract;
import io.morphgate.operator.kit.testing.FakeOperatorFramework;

/** The operator contract, for the depthwise-separable operator: both depth multipliers on every slot. */
class DepthwiseOperatorTest extends DerivingOperatorContract {

    @Override
    protected Runnable activate(FakeOperatorFramework framework, SlotCatalog catalog, Map<String, Object> overrides) {
        return new DepthwiseOperator(framework.context(), catalog,
                FakeOperatorFramework.configuration(DepthwiseConfiguration.class, overrides))::deactivate;
    }

    @Override
    protected boolean reproducesStrides() {
        return true;
    }

    @Override
    protected OperatorKind kind() {
        return OperatorKind.DEPTHWISE_SEPARABLE;
    }

    @Override
    protected List<String> syntheticIds() {
        return Stream.of("conv1", "conv2", "conv3", "conv4")
                .flatMap(slot -> Stream.of("depthwise-" + slot + "-m1", "depthwise-" + slot + "-m2")).toList();
    }
}
