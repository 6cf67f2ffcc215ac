package io.morphgate.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.morphgate.onnx.internal.Opsets;
import io.morphgate.onnx.internal.Shapes;
import io.morphgate.onnx.internal.TensorData;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.morphgate.onnx.internal.NodeAttributes.label;

/**
 * Structural validation of a model before it reaches ONNX Runtime, so a bad variant is refused with a message that
 * names the culprit instead of failing inside a native session. Checks, in order:
 * <ol>
 * <li>IR version 1..{@value #MAX_IR}; default-domain opset {@value #MIN_OPSET}..{@value #MAX_OPSET}; no other
 * domains;</li>
 * <li>exactly one graph input (not counting inputs that are initializers) and exactly one graph output, both
 * FLOAT;</li>
 * <li>unique node names, each tensor produced once (node outputs never shadow inputs or initializers);</li>
 * <li>every node input is defined before use: the node list is topologically sorted, hence acyclic;</li>
 * <li>initializer data is present and matches the dims (at most 64M elements);</li>
 * <li>{@link ShapeInference} succeeds (it knows a fixed set of operators and checks every node; a Constant node's
 * value gets the initializer checks above) and the declared output shape, where static, equals the inferred
 * one.</li>
 * </ol>
 */
public final class GraphCheck {
    public static final long MAX_IR = 10;
    public static final long MIN_OPSET = 7;
    public static final long MAX_OPSET = 21;

    private GraphCheck() {
    }

    /**
     * Validates the model; returns the inferred shapes (as {@link ShapeInference#infer}) so callers need not infer
     * twice.
     *
     * @throws GraphException naming the first problem found
     */
    public static Map<String, long[]> check(ModelProto model) {
        checkVersions(model);
        if (!model.hasGraph()) {
            throw new GraphException("model has no graph");
        }
        GraphProto g = model.getGraph();
        Set<String> initializers = checkInitializers(g);
        String input = singleInput(g, initializers);
        String output = singleOutput(g);
        checkNodes(g, input, initializers);
        Map<String, long[]> shapes = ShapeInference.infer(model);
        long[] inferred = shapes.get(output);
        if (inferred == null) {
            throw new GraphException("graph output " + output + " is not produced by any node");
        }
        long[] declared = Shapes.declared(g.getOutput(0));
        if (declared != null && !staticMatch(declared, inferred)) {
            throw new GraphException("graph output " + output + " is declared " + Shapes.format(declared)
                    + " but inferred " + Shapes.format(inferred));
        }
        return shapes;
    }

    private static void checkVersions(ModelProto model) {
        if (model.getIrVersion() < 1 || model.getIrVersion() > MAX_IR) {
            throw new GraphException("IR version " + model.getIrVersion() + " is not supported (1.." + MAX_IR + ")");
        }
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            if (!Opsets.isDefaultDomain(o.getDomain())) {
                throw new GraphException("opset domain " + o.getDomain() + " is not supported (default domain only)");
            }
        }
        long opset = Opsets.defaultDomain(model);
        if (opset < 0) {
            throw new GraphException("model imports no default-domain opset");
        }
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw new GraphException("opset " + opset + " is not supported (" + MIN_OPSET + ".." + MAX_OPSET + ")");
        }
    }

    private static Set<String> checkInitializers(GraphProto g) {
        Set<String> names = new HashSet<>();
        for (TensorProto t : g.getInitializerList()) {
            if (t.getName().isEmpty()) {
                throw new GraphException("an initializer has no name");
            }
            if (!names.add(t.getName())) {
                throw new GraphException("initializer " + t.getName() + " is defined twice");
            }
            TensorData.checkConsistent(t);
        }
        return names;
    }

    private static String singleInput(GraphProto g, Set<String> initializers) {
        List<ValueInfoProto> real = new ArrayList<>();
        for (ValueInfoProto v : g.getInputList()) {
            if (!initializers.contains(v.getName())) {
                real.add(v);
            }
        }
        if (real.size() != 1) {
            throw new GraphException("graph must have exactly one input, has " + real.size() + names(real));
        }
        checkFloat(real.get(0), "input");
        return real.get(0).getName();
    }

    private static String singleOutput(GraphProto g) {
        if (g.getOutputCount() != 1) {
            throw new GraphException("graph must have exactly one output, has " + g.getOutputCount()
                    + names(g.getOutputList()));
        }
        checkFloat(g.getOutput(0), "output");
        return g.getOutput(0).getName();
    }

    private static void checkFloat(ValueInfoProto v, String role) {
        if (v.getName().isEmpty()) {
            throw new GraphException("graph " + role + " has no name");
        }
        if (!v.getType().hasTensorType() || v.getType().getTensorType().getElemType()
                != TensorProto.DataType.FLOAT_VALUE) {
            throw new GraphException("graph " + role + " " + v.getName() + " must be a FLOAT tensor");
        }
    }

    private static void checkNodes(GraphProto g, String input, Set<String> initializers) {
        Set<String> nodeNames = new HashSet<>();
        Set<String> defined = new HashSet<>(initializers);
        defined.add(input);
        Set<String> producedLater = new HashSet<>();
        for (NodeProto n : g.getNodeList()) {
            producedLater.addAll(n.getOutputList());
        }
        for (NodeProto n : g.getNodeList()) {
            if (n.getName().isEmpty()) {
                throw new GraphException("a " + n.getOpType() + " node has no name");
            }
            if (!nodeNames.add(n.getName())) {
                throw new GraphException("node name " + n.getName() + " is used twice");
            }
            if (!Opsets.isDefaultDomain(n.getDomain())) {
                throw new GraphException(label(n) + ": domain " + n.getDomain() + " is not supported");
            }
            for (String in : n.getInputList()) {
                if (!in.isEmpty() && !defined.contains(in)) {
                    throw new GraphException(label(n) + ": input " + in + (producedLater.contains(in)
                            ? " is used before it is produced (nodes not topologically sorted, or a cycle)"
                            : " is not defined (no graph input, initializer or node output of that name)"));
                }
            }
            for (String out : n.getOutputList()) {
                if (!out.isEmpty() && !defined.add(out)) {
                    throw new GraphException(label(n) + ": output " + out
                            + " is already defined (tensor produced twice)");
                }
            }
        }
    }

    private static boolean staticMatch(long[] declared, long[] inferred) {
        if (declared.length != inferred.length) {
            return false;
        }
        for (int i = 0; i < declared.length; i++) {
            if (declared[i] >= 0 && inferred[i] >= 0 && declared[i] != inferred[i]) {
                return false;
            }
        }
        return true;
    }

    private static String names(List<ValueInfoProto> values) {
        return values.isEmpty() ? "" : " " + Arrays.toString(values.stream().map(ValueInfoProto::getName).toArray());
    }
}
