package io.morphgate.operator.kit;

import java.util.Arrays;
import java.util.Map;
import java.util.OptionalDouble;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.slot.TensorShape;
import io.morphgate.api.variant.OperatorKind;
import io.morphgate.api.variant.OperatorVariant;
import io.morphgate.api.variant.Provenance;
import io.morphgate.api.variant.VariantDescriptor;
import io.morphgate.onnx.CostCounter;
import io.morphgate.onnx.CostCounter.ModelCost;
import io.morphgate.onnx.GraphCheck;
import io.morphgate.onnx.OnnxModelIO;

/**
 * An immutable {@link OperatorVariant}: a descriptor and the serialized sub-graph it describes. Its parameters and
 * MACs are counted on the graph itself by {@link CostCounter}, never written down by hand, so the figures the policy
 * trades against a budget cannot drift from what actually runs.
 *
 * <p>{@link #of} checks the graph ({@link GraphCheck}) and that it maps the slot's input shape to the slot's output
 * shape: an operator bug then fails in the operator bundle with a plain message, not later in the backbone.
 */
public final class BlockVariant implements OperatorVariant {

    private final VariantDescriptor descriptor;
    private final ModelCost cost;
    private final byte[] subGraph;

    private BlockVariant(VariantDescriptor descriptor, ModelCost cost, byte[] subGraph) {
        this.descriptor = descriptor;
        this.cost = cost;
        this.subGraph = subGraph;
    }

    /**
     * A variant of {@code graph} for {@code slot}, with no accuracy measured yet.
     *
     * @throws IllegalArgumentException when the graph is invalid or does not have the slot's input and output shapes
     */
    public static BlockVariant of(String id, OperatorKind kind, SlotSpec slot, Map<String, String> hyperParameters,
            Provenance provenance, String provenanceDetail, ModelProto graph) {
        return of(id, kind, slot, hyperParameters, provenance, provenanceDetail, graph, OptionalDouble.empty());
    }

    /**
     * A variant of {@code graph} for {@code slot} whose whole-model accuracy, with only it swapped in, was measured.
     *
     * @throws IllegalArgumentException when the graph is invalid or does not have the slot's input and output shapes
     */
    public static BlockVariant of(String id, OperatorKind kind, SlotSpec slot, Map<String, String> hyperParameters,
            Provenance provenance, String provenanceDetail, ModelProto graph, OptionalDouble expectedAccuracy) {
        Map<String, long[]> shapes = GraphCheck.check(graph);
        requireShape(id, "input", shapes.get(graph.getGraph().getInput(0).getName()), slot.input());
        requireShape(id, "output", shapes.get(graph.getGraph().getOutput(0).getName()), slot.output());
        ModelCost cost = CostCounter.count(graph);
        VariantDescriptor descriptor = new VariantDescriptor(id, kind, slot.name(), hyperParameters, cost.params(),
                cost.macs(), provenance, provenanceDetail, expectedAccuracy);
        return new BlockVariant(descriptor, cost, OnnxModelIO.write(graph));
    }

    @Override
    public VariantDescriptor descriptor() {
        return descriptor;
    }

    /** The full count behind the descriptor's figures (weights, biases and BN parameters apart, per node). */
    public ModelCost cost() {
        return cost;
    }

    @Override
    public byte[] subGraph() {
        return subGraph.clone();
    }

    @Override
    public String toString() {
        return descriptor.id() + " (" + descriptor.params() + " params, " + descriptor.macs() + " MACs)";
    }

    private static void requireShape(String id, String role, long[] actual, TensorShape expected) {
        long[] wanted = {-1, expected.channels(), expected.height(), expected.width()};
        if (actual == null || actual.length != 4 || !Arrays.equals(Arrays.copyOfRange(actual, 1, 4),
                Arrays.copyOfRange(wanted, 1, 4))) {
            throw new IllegalArgumentException("variant " + id + ": " + role + " shape "
                    + Arrays.toString(actual) + " is not the slot's [N, " + expected.channels() + ", "
                    + expected.height() + ", " + expected.width() + "]");
        }
    }
}
