package io.morphgate.operator.fire.internal;

import java.util.List;
import java.util.Map;

import io.morphgate.api.slot.SlotCatalog;
import io.morphgate.api.variant.OperatorKind;
import io.morphgate.operator.kit.testing.FakeOperatorFramework;
import io.morphgate.operator.kit.testing.OperatorContract;

/**
 * The operator contract, for the fire operator: both squeeze ratios on the two downsampling slots only (conv2 and
 * conv4 keep 14x14 and 7x7, which fire's closing pool would halve).
 */
class FireOperatorTest extends OperatorContract {

    @Override
    protected Runnable activate(FakeOperatorFramework framework, SlotCatalog catalog, Map<String, Object> overrides) {
        return new FireOperator(framework.context(), catalog,
                FakeOperatorFramework.configuration(FireConfiguration.class, overrides))::deactivate;
    }

    @Override
    protected boolean reproducesStrides() {
        return false;
    }

    @Override
    protected OperatorKind kind() {
        return OperatorKind.FIRE;
    }

    @Override
    protected List<String> syntheticIds() {
        return List.of("fire-conv1-s0.125", "fire-conv1-s0.25", "fire-conv3-s0.125", "fire-conv3-s0.25");
    }
}
