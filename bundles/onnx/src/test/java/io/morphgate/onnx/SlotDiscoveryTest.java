package io.morphgate.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.morphgate.onnx.SlotDiscovery.Discovery;
import io.morphgate.onnx.SlotDiscovery.SkipReason;
import io.morphgate.onnx.SlotDiscovery.SkippedConv;
import io.morphgate.onnx.SlotDiscovery.Slot;
import io.morphgate.onnx.SlotDiscovery.Tail;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.morphgate.onnx.TestModels.exported;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SlotDiscoveryTest {

    @Test
    void everyThreeByThreeConvOfTheTestBackboneIsASlotWithItsBatchNormTail() {
        Discovery d = SlotDiscovery.discover(TestModels.backbone());
        assertEquals(List.of("s1/Conv_0", "s2/Conv_3"), d.slots().stream().map(Slot::name).toList());
        assertTrue(d.skipped().isEmpty(), d.skipped().toString());
        Slot s1 = d.slots().get(0);
        assertEquals("x", s1.inputTensor());
        assertEquals("s1/Conv_0", s1.outputTensor());
        assertEquals(4, s1.inChannels());
        assertEquals(8, s1.outChannels());
        assertArrayEquals(new long[] {3, 3}, s1.kernel());
        assertArrayEquals(new long[] {1, 1, 1, 1}, s1.pads());
        assertTrue(s1.hasBias());
        assertEquals(Tail.BATCH_NORMALIZATION, s1.tail());
        assertEquals("BatchNormalization", s1.tailOpType());
        assertFalse(d.slots().get(1).hasBias());
    }

    /**
     * One graph with a conv of each kind: depthwise, grouped, 1x1, 1x3, a 3x3 whose output two nodes read, a strided
     * 5x5 before a residual Add, and a 3x3 that is the graph output.
     */
    @Test
    void eachOtherConvIsSkippedWithItsReason() {
        GraphBuilder b = new GraphBuilder("kinds");
        String x = b.input("x", 4, 8, 8);
        String depthwise = b.withName("depthwise").conv(x, new float[4 * 9], 4, 1, 3, 3, null, 4);
        String grouped = b.withName("grouped").conv(depthwise, new float[8 * 2 * 9], 8, 2, 3, 3, null, 2);
        String pointwise = b.withName("pointwise").conv(grouped, new float[4 * 8], 4, 8, 1, 1, null, 1);
        String narrow = b.withName("narrow").conv(pointwise, new float[4 * 4 * 3], 4, 4, 1, 3, null, 1);
        String shared = b.withName("shared").conv(narrow, new float[4 * 4 * 9], 4, 4, 3, 3, null, 1);
        String sum = b.add(b.relu(shared), shared);
        String strided = b.withName("strided").conv(sum, new float[4 * 4 * 25], 4, 4, 5, 5, new float[4], 2, 2, 2, 2,
                2, 2, 1);
        String down = b.withName("down").conv(sum, new float[4 * 4], 4, 4, 1, 1, null, 2, 2, 0, 0, 0, 0, 1);
        String residual = b.add(strided, down);
        String last = b.withName("last").conv(residual, new float[2 * 4 * 9], 2, 4, 3, 3, null, 1);
        Discovery d = SlotDiscovery.discover(b.output(last, "y", 2, 4, 4).build());

        Map<String, SkippedConv> skipped = d.skipped().stream()
                .collect(Collectors.toMap(SkippedConv::name, Function.identity()));
        assertEquals(SkipReason.DEPTHWISE, skipped.get("depthwise/Conv_0").reason());
        assertEquals("depthwise convolution (group 4)", skipped.get("depthwise/Conv_0").explanation());
        assertEquals(SkipReason.GROUPED, skipped.get("grouped/Conv_1").reason());
        assertEquals(SkipReason.POINTWISE, skipped.get("pointwise/Conv_2").reason());
        assertEquals(SkipReason.NARROW_KERNEL, skipped.get("narrow/Conv_3").reason());
        assertEquals("kernel smaller than 3 in one dimension (1x3)", skipped.get("narrow/Conv_3").explanation());
        assertEquals(SkipReason.SHARED_OUTPUT, skipped.get("shared/Conv_4").reason());
        assertEquals(SkipReason.POINTWISE, skipped.get("down/Conv_8").reason());
        assertEquals(6, d.skipped().size(), d.skipped().toString());

        assertEquals(List.of("strided/Conv_7", "last/Conv_10"), d.slots().stream().map(Slot::name).toList());
        Slot strided5x5 = d.slots().get(0);
        assertArrayEquals(new long[] {5, 5}, strided5x5.kernel());
        assertArrayEquals(new long[] {2, 2}, strided5x5.strides());
        assertArrayEquals(new long[] {2, 2, 2, 2}, strided5x5.pads());
        assertArrayEquals(new long[] {1, 1}, strided5x5.dilations());
        assertEquals(Tail.ADD, strided5x5.tail());
        assertTrue(strided5x5.hasBias());
        Slot output = d.slots().get(1);
        assertEquals(Tail.GRAPH_OUTPUT, output.tail());
        assertEquals("", output.tailNode());
    }

    @Test
    void anUnnamedConvIsNamedAfterItsOutputTensor() {
        ModelProto named = TestModels.backbone();
        ModelProto.Builder unnamed = named.toBuilder();
        unnamed.getGraphBuilder().getNodeBuilder(0).setName("");
        Slot first = SlotDiscovery.discover(unnamed.build()).slots().get(0);
        assertEquals("", first.node());
        assertEquals(named.getGraph().getNode(0).getOutput(0), first.name());
    }

    /** MobileNet-V2: its only full 3x3 conv is the stem, ending in ReLU6 (Clip); 17 depthwise and 34 1x1 convs skipped. */
    @Test
    void mobileNetV2ExportedByTorchHasOnlyItsStemAsASlot() {
        ModelProto mobilenet = OnnxModelIO.read(exported("mobilenet_v2.onnx"));
        Discovery d = SlotDiscovery.discover(mobilenet);

        assertEquals(1, d.slots().size(), d.slots().toString());
        assertEquals(Tail.CLIP, d.slots().get(0).tail());
        assertArrayEquals(new long[] {2, 2}, d.slots().get(0).strides());
        Map<SkipReason, Long> reasons = d.skipped().stream()
                .collect(Collectors.groupingBy(SkippedConv::reason, Collectors.counting()));
        assertEquals(Map.of(SkipReason.DEPTHWISE, 17L, SkipReason.POINTWISE, 34L), reasons);
    }

    /** VGG-11 with batch norm (folded by the exporter): its eight 3x3 convs are slots, each followed by a ReLU. */
    @Test
    void vgg11ExportedByTorchHasEightSlots() {
        Discovery d = SlotDiscovery.discover(OnnxModelIO.read(exported("vgg11_bn.onnx")));
        assertEquals(8, d.slots().size());
        assertTrue(d.slots().stream().allMatch(s -> s.tail() == Tail.RELU && s.hasBias()), d.slots().toString());
        assertTrue(d.skipped().isEmpty());
    }

    /**
     * torchvision's ResNet-18 as torch.onnx.export writes it (models/export/export_torchvision.py): the 7x7 stem and
     * the sixteen 3x3 convs are slots, the three 1x1 downsample convs are not.
     */
    @Test
    void resnet18ExportedByTorchHasSeventeenSlots() {
        ModelProto resnet = OnnxModelIO.read(exported("resnet18.onnx"));
        Discovery d = SlotDiscovery.discover(resnet);

        assertEquals(17, d.slots().size(), d.slots().stream().map(Slot::name).toList().toString());
        Slot stem = d.slots().get(0);
        assertArrayEquals(new long[] {7, 7}, stem.kernel());
        assertArrayEquals(new long[] {2, 2}, stem.strides());
        assertEquals("input", stem.inputTensor());
        assertEquals(3, stem.inChannels());
        assertEquals(64, stem.outChannels());
        assertTrue(stem.hasBias(), "the exporter folds the stem's batch norm into a bias");
        List<Slot> threeByThree = d.slots().subList(1, 17);
        assertTrue(threeByThree.stream().allMatch(s -> s.kernel()[0] == 3 && s.kernel()[1] == 3));
        assertEquals(8, threeByThree.stream().filter(s -> s.tail() == Tail.RELU).count(), "first conv of each block");
        assertEquals(8, threeByThree.stream().filter(s -> s.tail() == Tail.ADD).count(), "second conv of each block");

        assertEquals(3, d.skipped().size(), d.skipped().toString());
        for (SkippedConv s : d.skipped()) {
            assertEquals(SkipReason.POINTWISE, s.reason(), s.toString());
            assertTrue(s.name().contains("downsample"), s.name());
        }
    }

    /** ResNet-18 exported with its batch norms kept as nodes: the same 17 slots, each followed by its BatchNormalization. */
    @Test
    void resnet18WithBatchNormNodesHasTheSameSlotsEachBeforeItsBatchNorm() {
        Discovery d = SlotDiscovery.discover(OnnxModelIO.read(exported("resnet18-bn.onnx")));
        assertEquals(17, d.slots().size());
        assertTrue(d.slots().stream().allMatch(s -> s.tail() == Tail.BATCH_NORMALIZATION && !s.hasBias()),
                d.slots().toString());
        assertEquals(3, d.skipped().size());
    }
}
