package io.morphgate.operator.kit;

import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.slot.TensorShape;

/** Slots with the shapes of the backbone's conv1 (pooled) and conv4 (plain). */
final class TestSlots {

    static final SlotSpec POOLED = new SlotSpec("conv1", 0, new TensorShape(16, 28, 28), new TensorShape(32, 14, 14),
            3, "conv3x3(16->32)+BN+ReLU+maxpool2", 0, 0);
    static final SlotSpec PLAIN = new SlotSpec("conv4", 3, new TensorShape(64, 7, 7), new TensorShape(64, 7, 7), 3,
            "conv3x3(64->64)+BN+ReLU", 0, 0);

    private TestSlots() {
    }
}
