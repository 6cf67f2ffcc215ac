package io.morphgate.model.packaging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.morphgate.onnx.CostCounter;
import io.morphgate.onnx.GraphCheck;
import io.morphgate.onnx.GraphException;
import io.morphgate.onnx.OnnxModelIO;
import io.morphgate.onnx.SlotDiscovery;
import io.morphgate.onnx.ValueInfos;

/**
 * Reads an ONNX file and checks it the way the gateway will (GraphCheck, shape inference, cost counting), then what a
 * classifier model needs: one FLOAT input [N or 1, C, H, W] with C 1 or 3, one output [N, classes].
 */
public final class ModelInspection {

    private ModelInspection() {
    }

    /**
     * @param expectedInput  the input tensor the user named, or null to take the graph's
     * @param expectedOutput the output tensor the user named, or null to take the graph's
     * @param size           {height, width} from --size, or null to take the graph's
     */
    public static InspectedModel inspect(Path onnx, String expectedInput, String expectedOutput, int[] size)
            throws PackagingException {
        byte[] bytes = read(onnx);
        ModelProto model;
        try {
            model = OnnxModelIO.read(bytes);
        } catch (GraphException e) {
            throw new PackagingException(onnx + " is not a readable ONNX model: " + e.getMessage(), e);
        }
        int input = realInput(model);
        String inputName = named("input", model.getGraph().getInput(input).getName(), expectedInput);
        long[] declared = dims(model.getGraph().getInput(input));
        checkInput(inputName, declared, size);
        try {
            ModelProto sized = withFixedSize(model, input, size);
            Map<String, long[]> shapes = GraphCheck.check(sized);
            String outputName = named("output", model.getGraph().getOutput(0).getName(), expectedOutput);
            long[] in = shapes.get(inputName);
            long[] out = shapes.get(outputName);
            if (out.length != 2 || out[1] < 1) {
                throw new PackagingException("output " + outputName + " has shape " + InspectedModel.format(out)
                        + "; the gateway needs class scores [N, classes]");
            }
            return new InspectedModel(bytes, model, inputName, declared, (int) in[1], (int) in[2], (int) in[3],
                    outputName, (int) out[1], CostCounter.count(sized), SlotDiscovery.discover(model));
        } catch (GraphException e) {
            throw new PackagingException(onnx + ": the gateway would refuse this graph: " + e.getMessage(), e);
        }
    }

    private static byte[] read(Path onnx) throws PackagingException {
        try {
            return Files.readAllBytes(onnx);
        } catch (NoSuchFileException e) {
            throw new PackagingException("no such file: " + onnx, e);
        } catch (IOException e) {
            throw new PackagingException("cannot read " + onnx + ": " + e.getMessage(), e);
        }
    }

    private static String named(String role, String actual, String expected) throws PackagingException {
        if (expected != null && !expected.equals(actual)) {
            throw new PackagingException("the graph's " + role + " is " + actual + ", not " + expected);
        }
        return actual;
    }

    private static void checkInput(String name, long[] shape, int[] size) throws PackagingException {
        String says = "input " + name + " has shape " + InspectedModel.format(shape);
        if (shape.length != 4) {
            throw new PackagingException(says + "; the gateway needs an image batch [N, C, H, W]");
        }
        if (shape[0] > 1) {
            throw new PackagingException(says + ": its batch is fixed at " + shape[0]
                    + "; export it with a dynamic batch axis (or batch 1)");
        }
        if (shape[1] != 1 && shape[1] != 3) {
            throw new PackagingException(says + ": C must be 1 (grey) or 3 (colour)"
                    + (shape[1] < 0 ? ", not symbolic" : ""));
        }
        if ((shape[2] < 0 || shape[3] < 0) && size == null) {
            throw new PackagingException(says + ": its height or width is symbolic; give --size HxW");
        }
        if (size != null && ((shape[2] > 0 && shape[2] != size[0]) || (shape[3] > 0 && shape[3] != size[1]))) {
            throw new PackagingException(says + ", not " + size[0] + "x" + size[1] + " as --size says");
        }
    }

    /** The index of the one graph input that is not an initializer (the gateway serves models with exactly one). */
    private static int realInput(ModelProto model) throws PackagingException {
        Set<String> initializers = new HashSet<>();
        model.getGraph().getInitializerList().forEach(t -> initializers.add(t.getName()));
        List<Integer> real = new ArrayList<>();
        for (int i = 0; i < model.getGraph().getInputCount(); i++) {
            if (!initializers.contains(model.getGraph().getInput(i).getName())) {
                real.add(i);
            }
        }
        if (real.size() != 1) {
            throw new PackagingException("the graph has " + real.size() + " inputs "
                    + real.stream().map(i -> model.getGraph().getInput(i).getName()).toList()
                    + "; the gateway serves models with exactly one image input");
        }
        return real.get(0);
    }

    /** The model with a symbolic input height and width set to --size, so shapes and costs can be counted. */
    private static ModelProto withFixedSize(ModelProto model, int input, int[] size) {
        long[] shape = dims(model.getGraph().getInput(input));
        if (size == null || (shape[2] > 0 && shape[3] > 0)) {
            return model;
        }
        shape[2] = size[0];
        shape[3] = size[1];
        ModelProto.Builder b = model.toBuilder();
        b.getGraphBuilder().setInput(input, ValueInfos.floatTensor(model.getGraph().getInput(input).getName(), shape));
        return b.build();
    }

    private static long[] dims(ValueInfoProto v) {
        var shape = v.getType().getTensorType().getShape();
        long[] out = new long[shape.getDimCount()];
        for (int i = 0; i < out.length; i++) {
            var d = shape.getDim(i);
            out[i] = d.hasDimValue() && d.getDimValue() > 0 ? d.getDimValue() : -1;
        }
        return out;
    }
}
