package io.morphgate.operator.multibranch.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.morphgate.api.slot.SlotCatalog;
import io.morphgate.api.variant.OperatorKind;
import io.morphgate.operator.kit.testing.FakeOperatorFramework;
import io.morphgate.operator.kit.testing.OperatorContract;

/** The operator contract, for the multi-branch operator: kernel size 3 on every slot by default. */
class MultiBranchOperatorTest extends OperatorContract {

    @Override
    protected Runnable activate(FakeOperatorFramework framework, SlotCatalog catalog, Map<String, Object> overrides) {
        return new MultiBranchOperator(framework.context(), catalog,
                FakeOperatorFramework.configuration(MultiBranchConfiguration.class, overrides))::deactivate;
    }

    @Override
    protected boolean reproducesStrides() {
        return false;
    }

    @Override
    protected OperatorKind kind() {
        return OperatorKind.MULTI_BRANCH;
    }

    @Override
    protected List<String> syntheticIds() {
        return List.of("multibranch-conv1-k3", "multibranch-conv2-k3", "multibranch-conv3-k3", "multibranch-conv4-k3");
    }

    @Test
    void kernelSizesAreConfigurable() throws Exception {
        FakeOperatorFramework framework = offer(Map.of("kernelSizes", new int[] {3, 5}));
        assertEquals(8, framework.ids().size());
        assertEquals("multibranch-conv4-k5", framework.ids().get(7));
    }
}
