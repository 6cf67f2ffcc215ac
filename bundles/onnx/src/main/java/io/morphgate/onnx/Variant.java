package io.morphgate.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.morphgate.onnx.internal.Shapes;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A variant's sub-graph checked against its slot and renamed into the backbone's name space: the input becomes the
 * slot input, the output the slot output, everything else gets the prefix {@code <slot>/<variantId>/}.
 */
record Variant(List<NodeProto> renamedNodes, List<TensorProto> renamedInitializers) {

    static Variant validate(SlotBoundary slot, GraphComposer.Replacement r, Map<String, long[]> backboneShapes) {
        String id = r.variantId();
        Map<String, long[]> shapes;
        try {
            shapes = GraphCheck.check(r.subGraph());
        } catch (GraphException e) {
            throw new CompositionException(slot.slot(), id, "invalid sub-graph: " + e.getMessage(), e);
        }
        GraphProto g = r.subGraph().getGraph();
        String input = inputName(g);
        String output = g.getOutput(0).getName();
        if (input.equals(output)) {
            throw new CompositionException(slot.slot(), id, "sub-graph output is its input " + input);
        }
        compare(slot, id, "input", backboneShapes.get(slot.inputTensor()), shapes.get(input), "takes");
        compare(slot, id, "output", backboneShapes.get(slot.outputTensor()), shapes.get(output), "gives");
        String prefix = slot.slot() + "/" + id + "/";
        List<NodeProto> nodes = new ArrayList<>();
        for (NodeProto n : g.getNodeList()) {
            NodeProto.Builder b = n.toBuilder().setName(prefix + n.getName());
            for (int i = 0; i < b.getInputCount(); i++) {
                b.setInput(i, rename(b.getInput(i), input, output, slot, prefix));
            }
            for (int i = 0; i < b.getOutputCount(); i++) {
                b.setOutput(i, rename(b.getOutput(i), input, output, slot, prefix));
            }
            nodes.add(b.build());
        }
        List<TensorProto> initializers = new ArrayList<>();
        for (TensorProto t : g.getInitializerList()) {
            initializers.add(t.toBuilder().setName(prefix + t.getName()).build());
        }
        return new Variant(nodes, initializers);
    }

    private static String inputName(GraphProto g) {
        Set<String> initializers = new HashSet<>();
        for (TensorProto t : g.getInitializerList()) {
            initializers.add(t.getName());
        }
        for (ValueInfoProto v : g.getInputList()) {
            if (!initializers.contains(v.getName())) {
                return v.getName();
            }
        }
        throw new IllegalStateException("GraphCheck lets no graph without input through");
    }

    /** Compares channels, height and width (everything but the batch dimension). */
    private static void compare(SlotBoundary slot, String id, String role, long[] expected, long[] actual,
                                String verb) {
        boolean same = expected.length == actual.length;
        for (int i = 1; same && i < expected.length; i++) {
            same = expected[i] == actual[i];
        }
        if (!same) {
            throw new CompositionException(slot.slot(), id, role + " shape " + Shapes.format(expected)
                    + " expected, sub-graph " + verb + " " + Shapes.format(actual));
        }
    }

    private static String rename(String name, String input, String output, SlotBoundary slot, String prefix) {
        if (name.isEmpty()) {
            return name;
        }
        if (name.equals(input)) {
            return slot.inputTensor();
        }
        if (name.equals(output)) {
            return slot.outputTensor();
        }
        return prefix + name;
    }
}
