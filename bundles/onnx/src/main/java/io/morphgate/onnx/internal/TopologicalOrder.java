package io.morphgate.onnx.internal;

import ai.onnx.proto.OnnxMl.NodeProto;
import io.morphgate.onnx.GraphException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Stable topological sort (Kahn's algorithm): among the nodes that are ready, the one earliest in the given list goes
 * first, so an already sorted list comes back unchanged and a spliced list keeps the author's order where it can.
 */
public final class TopologicalOrder {
    private TopologicalOrder() {
    }

    public static List<NodeProto> sort(List<NodeProto> nodes) {
        Map<String, Integer> producer = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            for (String out : nodes.get(i).getOutputList()) {
                if (!out.isEmpty() && producer.put(out, i) != null) {
                    throw new GraphException(NodeAttributes.label(nodes.get(i)) + ": output " + out
                            + " is produced twice");
                }
            }
        }
        int[] pending = new int[nodes.size()];
        List<List<Integer>> consumers = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            consumers.add(new ArrayList<>());
        }
        for (int i = 0; i < nodes.size(); i++) {
            for (String in : nodes.get(i).getInputList()) {
                Integer p = producer.get(in);
                if (p != null) {
                    pending[i]++;
                    consumers.get(p).add(i);
                }
            }
        }
        PriorityQueue<Integer> ready = new PriorityQueue<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (pending[i] == 0) {
                ready.add(i);
            }
        }
        List<NodeProto> sorted = new ArrayList<>(nodes.size());
        while (!ready.isEmpty()) {
            int i = ready.poll();
            sorted.add(nodes.get(i));
            for (int c : consumers.get(i)) {
                if (--pending[c] == 0) {
                    ready.add(c);
                }
            }
        }
        if (sorted.size() != nodes.size()) {
            for (int i = 0; i < nodes.size(); i++) {
                if (pending[i] > 0) {
                    throw new GraphException("graph has a cycle through " + NodeAttributes.label(nodes.get(i)));
                }
            }
        }
        return sorted;
    }
}
