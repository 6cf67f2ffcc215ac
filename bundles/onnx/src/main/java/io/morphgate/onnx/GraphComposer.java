package io.morphgate.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.morphgate.onnx.internal.Shapes;
import io.morphgate.onnx.internal.TopologicalOrder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Splices operator variants into the slots of a backbone, producing the one graph that runs in one session.
 *
 * <p>For each slot the default layer (all nodes between the slot's input and output tensor) is removed with the
 * initializers only it used, and the variant's nodes and initializers are inserted under the prefix
 * {@code <slot>/<variantId>/}; the variant's input and output are renamed to the slot's boundary tensors, so the
 * rest of the backbone is untouched. Every variant is validated alone first, and the composed model is checked
 * again, so a bad variant fails here, naming slot and variant, and never inside ONNX Runtime.
 */
public final class GraphComposer {

    /** A variant to put in a slot: its id (for names and messages) and its single-input, single-output graph. */
    public record Replacement(String variantId, ModelProto subGraph) {
        public Replacement {
            Objects.requireNonNull(variantId, "variantId");
            Objects.requireNonNull(subGraph, "subGraph");
        }
    }

    private GraphComposer() {
    }

    /**
     * The backbone with each given slot replaced. Opset and IR version are the maxima of the parts (at most
     * {@value GraphCheck#MAX_OPSET} and {@value GraphCheck#MAX_IR}).
     *
     * @throws CompositionException if a variant does not fit its slot or a slot is not closed
     * @throws GraphException if the backbone itself is invalid
     */
    public static ModelProto compose(ModelProto backbone, Map<SlotBoundary, Replacement> replacements) {
        Map<String, long[]> backboneShapes = checked(backbone, "backbone");
        GraphProto g = backbone.getGraph();
        long ir = backbone.getIrVersion();
        long opset = defaultOpset(backbone);
        Set<Integer> removed = new HashSet<>();
        Set<String> releasedInitializers = new HashSet<>();
        Map<Integer, List<NodeProto>> insertions = new HashMap<>();
        List<TensorProto> addedInitializers = new ArrayList<>();
        for (Map.Entry<SlotBoundary, Replacement> e : replacements.entrySet()) {
            SlotBoundary slot = e.getKey();
            Replacement r = e.getValue();
            Variant v = Variant.validate(slot, r, backboneShapes);
            SlotNodes nodes = SlotNodes.find(g, slot, r.variantId());
            for (int i : nodes.nodeIndices()) {
                if (!removed.add(i)) {
                    throw new CompositionException(slot.slot(), r.variantId(), "overlaps another slot at node "
                            + g.getNode(i).getName());
                }
            }
            releasedInitializers.addAll(nodes.initializers());
            insertions.put(nodes.nodeIndices().first(), v.renamedNodes());
            addedInitializers.addAll(v.renamedInitializers());
            ir = Math.max(ir, r.subGraph().getIrVersion());
            opset = Math.max(opset, defaultOpset(r.subGraph()));
            if (ir > GraphCheck.MAX_IR || opset > GraphCheck.MAX_OPSET) {
                throw new CompositionException(slot.slot(), r.variantId(), "composed model would need IR " + ir
                        + " and opset " + opset + ", beyond IR " + GraphCheck.MAX_IR + " / opset "
                        + GraphCheck.MAX_OPSET);
            }
        }
        ModelProto composed = assemble(backbone, ir, opset, removed, insertions, releasedInitializers,
                addedInitializers);
        Map<String, long[]> composedShapes = checked(composed, "composed model");
        for (Map.Entry<SlotBoundary, Replacement> e : replacements.entrySet()) {
            String out = e.getKey().outputTensor();
            if (!Arrays.equals(backboneShapes.get(out), composedShapes.get(out))) {
                throw new CompositionException(e.getKey().slot(), e.getValue().variantId(), "output shape "
                        + Shapes.format(backboneShapes.get(out)) + " expected, composed model gives "
                        + Shapes.format(composedShapes.get(out)));
            }
        }
        return composed;
    }

    /**
     * The slot's default layer as a standalone model: input named as the slot input, output as the slot output,
     * batch symbolic, same IR and opset as the backbone. For benchmarks and as a reference for variants.
     */
    public static ModelProto extract(ModelProto backbone, SlotBoundary slot) {
        Map<String, long[]> shapes = checked(backbone, "backbone");
        GraphProto g = backbone.getGraph();
        SlotNodes nodes = SlotNodes.find(g, slot, null);
        GraphProto.Builder out = GraphProto.newBuilder().setName(slot.slot())
                .addInput(Shapes.floatValue(slot.inputTensor(), shapes.get(slot.inputTensor())))
                .addOutput(Shapes.floatValue(slot.outputTensor(), shapes.get(slot.outputTensor())));
        for (int i : nodes.nodeIndices()) {
            out.addNode(g.getNode(i));
        }
        for (TensorProto t : g.getInitializerList()) {
            if (nodes.initializers().contains(t.getName())) {
                out.addInitializer(t);
            }
        }
        return ModelProto.newBuilder().setIrVersion(backbone.getIrVersion()).setProducerName("morphgate")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(defaultOpset(backbone)))
                .setGraph(out).build();
    }

    private static ModelProto assemble(ModelProto backbone, long ir, long opset, Set<Integer> removed,
                                       Map<Integer, List<NodeProto>> insertions, Set<String> releasedInitializers,
                                       List<TensorProto> addedInitializers) {
        GraphProto g = backbone.getGraph();
        List<NodeProto> nodes = new ArrayList<>();
        Set<String> read = new HashSet<>();
        Set<String> removedTensors = new HashSet<>();
        for (int i = 0; i < g.getNodeCount(); i++) {
            nodes.addAll(insertions.getOrDefault(i, List.of()));
            if (removed.contains(i)) {
                removedTensors.addAll(g.getNode(i).getOutputList());
            } else {
                nodes.add(g.getNode(i));
                read.addAll(g.getNode(i).getInputList());
            }
        }
        Set<String> dropped = new HashSet<>(releasedInitializers);
        dropped.removeAll(read);
        GraphProto.Builder out = g.toBuilder().clearNode().addAllNode(TopologicalOrder.sort(nodes))
                .clearInitializer().clearInput().clearValueInfo();
        for (TensorProto t : g.getInitializerList()) {
            if (!dropped.contains(t.getName())) {
                out.addInitializer(t);
            }
        }
        out.addAllInitializer(addedInitializers);
        for (ValueInfoProto v : g.getInputList()) {
            if (!dropped.contains(v.getName())) {
                out.addInput(v);
            }
        }
        for (ValueInfoProto v : g.getValueInfoList()) {
            if (!removedTensors.contains(v.getName())) {
                out.addValueInfo(v);
            }
        }
        return backbone.toBuilder().setIrVersion(ir).clearOpsetImport()
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(out).build();
    }

    static long defaultOpset(ModelProto model) {
        long opset = -1;
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                opset = Math.max(opset, o.getVersion());
            }
        }
        return opset;
    }

    private static Map<String, long[]> checked(ModelProto model, String what) {
        try {
            return GraphCheck.check(model);
        } catch (CompositionException e) {
            throw e;
        } catch (GraphException e) {
            throw new GraphException(what + ": " + e.getMessage(), e);
        }
    }
}
