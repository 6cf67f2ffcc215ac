package io.morphgate.operator.multibranch.internal;

import io.morphgate.operator.kit.testing.FakeOperatorFramework;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class MultiBranchOperatorTest {

    @Test
    void offersKernelThreeOnEverySlotByDefaultAndWithdrawsOnDeactivate() {
        FakeOperatorFramework framework = new FakeOperatorFramework();
        MultiBranchOperator operator = new MultiBranchOperator(framework.context(), FakeOperatorFramework.catalog(true),
                FakeOperatorFramework.configuration(MultiBranchConfiguration.class, Map.of()));
        assertEquals(List.of("multibranch-conv1-k3", "multibranch-conv2-k3", "multibranch-conv3-k3",
                "multibranch-conv4-k3"), framework.ids());
        operator.deactivate();
        assertEquals(framework.ids(), framework.unregistered);
    }

    @Test
    void kernelSizesAreConfigurable() {
        FakeOperatorFramework framework = new FakeOperatorFramework();
        new MultiBranchOperator(framework.context(), FakeOperatorFramework.catalog(false),
                FakeOperatorFramework.configuration(MultiBranchConfiguration.class, Map.of("kernelSizes", new int[] {3, 5})));
        assertEquals(8, framework.ids().size());
        assertEquals("multibranch-conv4-k5", framework.ids().get(7));
    }
}
