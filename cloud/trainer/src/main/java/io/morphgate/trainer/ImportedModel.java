package io.morphgate.trainer;

import ai.djl.ndarray.NDManager;
import ai.onnx.proto.OnnxMl.ModelProto;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.slot.TensorShape;
import io.morphgate.onnx.GraphCheck;
import io.morphgate.onnx.GraphComposer;
import io.morphgate.onnx.LocatedSlots;
import io.morphgate.onnx.OnnxModelIO;
import io.morphgate.onnx.ShapeInference;
import io.morphgate.onnx.SlotBoundary;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A model a user exported (any CNN whose ops {@link OnnxOps} reads) and the slots the gateway finds in it: located by
 * the gateway's own code ({@link LocatedSlots}) and kept, as the gateway keeps them, when their geometry passes
 * {@link SlotSpec#consistent()}. Its networks are DJL blocks whose backbone parameters are frozen.
 */
final class ImportedModel {

    /** A slot: its spec (as the gateway publishes it), its boundary, and the initializers of its conv. */
    record Slot(SlotSpec spec, SlotBoundary boundary, String weight, String bias) {
    }

    private final ModelProto model;
    private final List<Slot> slots;

    private ImportedModel(ModelProto model, List<Slot> slots) {
        this.model = model;
        this.slots = List.copyOf(slots);
    }

    /** Reads and checks an ONNX file and locates its slots. */
    static ImportedModel read(Path onnx) {
        return of(OnnxModelIO.read(onnx));
    }

    static ImportedModel of(ModelProto model) {
        GraphCheck.check(model);
        Map<String, long[]> shapes = ShapeInference.infer(model);
        List<Slot> slots = new ArrayList<>();
        for (LocatedSlots.Located s : LocatedSlots.locate(model, shapes).located()) {
            SlotSpec spec = new SlotSpec(s.name(), slots.size(), shape(s.input()), shape(s.output()), s.kernel(),
                    s.described(), s.cost().params(), s.cost().macs(), s.stride(),
                    s.layer().relu() ? SlotSpec.Activation.RELU : SlotSpec.Activation.NONE, s.layer().pooled());
            if (spec.consistent()) {
                slots.add(new Slot(spec, s.boundary(), s.weight(), s.bias()));
            }
        }
        return new ImportedModel(model, slots);
    }

    ModelProto model() {
        return model;
    }

    /** The slots in graph order. */
    List<Slot> slots() {
        return slots;
    }

    Optional<Slot> slot(String name) {
        return slots.stream().filter(s -> s.spec().name().equals(name)).findFirst();
    }

    /** The whole network, every parameter frozen (batch norms on their running statistics). */
    OnnxGraphBlock frozen(NDManager manager) {
        return new OnnxGraphBlock(model, manager, name -> false);
    }

    /**
     * The network with {@code subGraph} composed in place of {@code slot}, as the gateway composes it: only the
     * variant's own parameters (those the composer prefixes with {@code <slot>/<variantId>/}) are trainable.
     */
    OnnxGraphBlock withVariant(Slot slot, String variantId, ModelProto subGraph, NDManager manager) {
        ModelProto composed = GraphComposer.compose(model,
                Map.of(slot.boundary(), new GraphComposer.Replacement(variantId, subGraph)));
        String prefix = variantPrefix(slot, variantId);
        return new OnnxGraphBlock(composed, manager, name -> name.startsWith(prefix));
    }

    /** The prefix of a composed variant's initializers. */
    static String variantPrefix(Slot slot, String variantId) {
        return slot.boundary().slot() + "/" + variantId + "/";
    }

    private static TensorShape shape(long[] nchw) {
        return new TensorShape((int) nchw[1], (int) nchw[2], (int) nchw[3]);
    }
}
