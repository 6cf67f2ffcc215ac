package io.morphgate.backbone.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.morphgate.api.slot.SlotSpec;

/**
 * The trained ResNet-20 (models/fashion-mnist-resnet) as its model bundle carries it: read the way the model extender
 * reads a bundle, with its slots found in the graph (it lists none).
 */
class FashionMnistResNetModelTest {

    private static final Path BUNDLE = Path.of("../../models/fashion-mnist-resnet/src/main/resources");

    @Test
    void readsAsAModelBundleWithNineteenSlotsFoundInTheGraph() {
        BackboneArtifacts model = BackboneArtifacts.read(FashionMnistResNetModelTest::open, "model/model.json");

        assertEquals("fashion-mnist-resnet20", model.id());
        assertEquals(10, model.classCount());
        assertEquals(64, model.calibrationImages().size());
        assertEquals(31_025_088L, model.defaultCost().macs());
        List<SlotSpec> slots = model.slots();
        // the 3x3 stem and the two 3x3 convs of each of the nine basic blocks; the two 1x1 shortcuts are no slots
        assertEquals(19, slots.size(), slots.toString());
        assertEquals("conv1", slots.get(0).name());
        assertEquals(List.of("layer2.0.conv1", "layer3.0.conv1"),
                slots.stream().filter(s -> s.stride() == 2).map(SlotSpec::name).toList());
        // the second conv of each block feeds the residual Add: it ends without an activation
        assertEquals(slots.stream().map(SlotSpec::name).filter(n -> n.endsWith("conv2")).toList(),
                slots.stream().filter(s -> s.activation() == SlotSpec.Activation.NONE).map(SlotSpec::name).toList());
        assertEquals(64, slots.get(slots.size() - 1).output().channels());
        assertEquals(7, slots.get(slots.size() - 1).output().height());
    }

    private static InputStream open(String path) {
        Path file = BUNDLE.resolve(path);
        try {
            return Files.exists(file) ? Files.newInputStream(file) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
