package io.morphgate.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The nodes of one slot, found by walking back from the slot output to the slot input, and a check that the slot is
 * closed: it reads nothing but its input and initializers, and nothing outside reads its internal tensors.
 */
record SlotNodes(SlotBoundary slot, TreeSet<Integer> nodeIndices, Set<String> initializers) {

    static SlotNodes find(GraphProto g, SlotBoundary slot, String variantId) {
        Map<String, Integer> producers = new HashMap<>();
        for (int i = 0; i < g.getNodeCount(); i++) {
            for (String out : g.getNode(i).getOutputList()) {
                producers.put(out, i);
            }
        }
        Set<String> initializerNames = new HashSet<>();
        for (TensorProto t : g.getInitializerList()) {
            initializerNames.add(t.getName());
        }
        Set<String> graphInputs = new HashSet<>();
        for (ValueInfoProto v : g.getInputList()) {
            graphInputs.add(v.getName());
        }
        if (!producers.containsKey(slot.inputTensor()) && !graphInputs.contains(slot.inputTensor())) {
            throw new CompositionException(slot.slot(), variantId, "slot input tensor " + slot.inputTensor()
                    + " does not exist in the backbone");
        }
        if (!producers.containsKey(slot.outputTensor())) {
            throw new CompositionException(slot.slot(), variantId, "slot output tensor " + slot.outputTensor()
                    + " is not produced by any backbone node");
        }
        TreeSet<Integer> nodes = new TreeSet<>();
        Set<String> usedInitializers = new HashSet<>();
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>();
        todo.push(slot.outputTensor());
        while (!todo.isEmpty()) {
            String t = todo.pop();
            if (t.isEmpty() || t.equals(slot.inputTensor()) || !seen.add(t)) {
                continue;
            }
            if (initializerNames.contains(t)) {
                usedInitializers.add(t);
                continue;
            }
            Integer p = producers.get(t);
            if (p == null) {
                throw new CompositionException(slot.slot(), variantId, "not a closed slot: walking back from "
                        + slot.outputTensor() + " reaches " + (graphInputs.contains(t) ? "graph input " : "tensor ")
                        + t + " without passing " + slot.inputTensor());
            }
            nodes.add(p);
            for (String in : g.getNode(p).getInputList()) {
                todo.push(in);
            }
        }
        checkNothingOutsideReadsInside(g, slot, variantId, nodes);
        return new SlotNodes(slot, nodes, usedInitializers);
    }

    private static void checkNothingOutsideReadsInside(GraphProto g, SlotBoundary slot, String variantId,
                                                       Set<Integer> nodes) {
        Set<String> internal = new HashSet<>();
        for (int i : nodes) {
            internal.addAll(g.getNode(i).getOutputList());
        }
        internal.remove(slot.outputTensor());
        for (int i = 0; i < g.getNodeCount(); i++) {
            if (nodes.contains(i)) {
                continue;
            }
            NodeProto n = g.getNode(i);
            for (String in : n.getInputList()) {
                if (internal.contains(in)) {
                    throw new CompositionException(slot.slot(), variantId, "not a closed slot: tensor " + in
                            + " inside the slot is read by node " + n.getName() + " outside it");
                }
            }
        }
        for (ValueInfoProto out : g.getOutputList()) {
            if (internal.contains(out.getName())) {
                throw new CompositionException(slot.slot(), variantId, "not a closed slot: tensor " + out.getName()
                        + " inside the slot is a graph output");
            }
        }
    }
}
