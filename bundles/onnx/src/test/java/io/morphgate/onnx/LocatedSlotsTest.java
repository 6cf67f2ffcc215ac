package io.morphgate.onnx;

import static io.morphgate.onnx.TestModels.exported;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

/** Slots located in a network exported by torch.onnx.export. Skipped without MORPHGATE_EXPORTED_MODELS. */
class LocatedSlotsTest {

    @Test
    void resnet18sSlotsReadTheirSharedBiasesThroughIdentityNodes() {
        ModelProto resnet = OnnxModelIO.read(exported("resnet18.onnx"));
        LocatedSlots.Location location = LocatedSlots.locate(resnet, ShapeInference.infer(resnet));
        assertEquals(17, location.located().size(), location.located().toString());
        assertTrue(location.excluded().isEmpty(), location.excluded().toString());
        Set<String> initializers = new HashSet<>();
        resnet.getGraph().getInitializerList().forEach(t -> initializers.add(t.getName()));
        int throughIdentity = 0;
        for (LocatedSlots.Located slot : location.located()) {
            assertTrue(initializers.contains(slot.weight()), slot.name() + " weight " + slot.weight());
            assertTrue(initializers.contains(slot.bias()), slot.name() + " bias (folded BN) " + slot.bias());
            String declared = resnet.getGraph().getNodeList().stream()
                    .filter(n -> n.getOutput(0).equals(slot.slot().outputTensor())).findFirst().orElseThrow()
                    .getInput(2);
            throughIdentity += declared.equals(slot.bias()) ? 0 : 1;
        }
        assertNotEquals(0, throughIdentity, "random weights: some convs read one shared zero bias via Identity");
        LocatedSlots.Located stem = location.located().get(0);
        assertEquals("conv1", stem.name());
        assertEquals("conv7x7/2(3->64)+bias+ReLU", stem.described());
        assertEquals(new SlotBoundary("conv1", "input", stem.layer().outputTensor()), stem.boundary());
    }
}
