package io.morphgate.backbone.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.slot.SlotWeights;
import io.morphgate.api.slot.TensorShape;
import io.morphgate.onnx.CostCounter;
import io.morphgate.onnx.GraphCheck;
import io.morphgate.onnx.GraphComposer;
import io.morphgate.onnx.SlotBoundary;
import io.morphgate.onnx.GraphException;
import io.morphgate.onnx.Initializers;
import io.morphgate.onnx.OnnxModelIO;
import io.morphgate.onnx.CostCounter.ModelCost;
import io.morphgate.onnx.ShapeInference;

/**
 * The backbone graph and its slot manifest, loaded and cross-checked once. Immutable.
 */
public final class BackboneArtifacts {

    /** Where the backbone bundle carries its model. */
    public static final String MODEL_PATH = "model/backbone.onnx";
    public static final String MANIFEST_PATH = "model/slots.json";

    private final ModelProto model;
    private final SlotManifest manifest;
    private final Map<String, SlotSpec> slots = new LinkedHashMap<>();
    private final Map<String, SlotBoundary> boundaries = new LinkedHashMap<>();
    private final ModelCost defaultCost;
    private final List<float[]> calibrationImages;

    private BackboneArtifacts(ModelProto model, SlotManifest manifest, List<float[]> calibrationImages) {
        this.model = model;
        this.manifest = manifest;
        this.calibrationImages = List.copyOf(calibrationImages);
        GraphCheck.check(model);
        Map<String, long[]> shapes = ShapeInference.infer(model);
        for (SlotManifest.Slot slot : manifest.slots()) {
            SlotBoundary boundary = new SlotBoundary(slot.name(), slot.inputTensor(), slot.outputTensor());
            TensorShape in = shapeOf(slot.name(), "input", slot.inputShape());
            TensorShape out = shapeOf(slot.name(), "output", slot.outputShape());
            requireShape(shapes, slot.name(), slot.inputTensor(), in);
            requireShape(shapes, slot.name(), slot.outputTensor(), out);
            ModelCost cost = CostCounter.count(GraphComposer.extract(model, boundary));
            slots.put(slot.name(), new SlotSpec(slot.name(), slots.size(), in, out, slot.kernelSize(),
                    slot.defaultLayer(), cost.params(), cost.macs()));
            boundaries.put(slot.name(), boundary);
        }
        this.defaultCost = CostCounter.count(model);
    }

    /** Reads and checks the graph and manifest, without calibration images. */
    public static BackboneArtifacts load(InputStream onnx, InputStream manifestJson) {
        return load(onnx, manifestJson, name -> null);
    }

    /**
     * Reads and checks the graph and manifest, and the calibration images the manifest names, opened through
     * {@code resources} (a file name relative to the manifest; null when absent). Throws
     * {@link IllegalStateException} saying what is wrong.
     */
    public static BackboneArtifacts load(InputStream onnx, InputStream manifestJson,
            Function<String, InputStream> resources) {
        try (InputStreamReader reader = new InputStreamReader(manifestJson, StandardCharsets.UTF_8)) {
            SlotManifest manifest = new Gson().fromJson(reader, SlotManifest.class);
            if (manifest == null || manifest.slots() == null || manifest.input() == null || manifest.output() == null) {
                throw new IllegalStateException(MANIFEST_PATH + " lacks input, output or slots");
            }
            return new BackboneArtifacts(OnnxModelIO.read(onnx), manifest, calibration(manifest, resources));
        } catch (IOException | JsonParseException e) {
            throw new IllegalStateException("cannot read " + MANIFEST_PATH + ": " + e.getMessage(), e);
        } catch (GraphException e) {
            throw new IllegalStateException("backbone graph does not match its manifest: " + e.getMessage(), e);
        }
    }

    /** Loads the artifacts shipped in this bundle. */
    public static BackboneArtifacts loadBundled() {
        ClassLoader loader = BackboneArtifacts.class.getClassLoader();
        try (InputStream onnx = loader.getResourceAsStream(MODEL_PATH);
                InputStream json = loader.getResourceAsStream(MANIFEST_PATH)) {
            if (onnx == null || json == null) {
                throw new IllegalStateException("the backbone bundle lacks " + MODEL_PATH + " or " + MANIFEST_PATH);
            }
            return load(onnx, json, name -> loader.getResourceAsStream("model/" + name));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the bundled backbone: " + e.getMessage(), e);
        }
    }

    private static List<float[]> calibration(SlotManifest manifest, Function<String, InputStream> resources)
            throws IOException {
        if (manifest.calibration() == null || manifest.calibration().images() == null) {
            return List.of();
        }
        String name = manifest.calibration().images();
        try (InputStream in = resources.apply(name)) {
            if (in == null) {
                throw new IllegalStateException("the manifest names calibration images " + name + " which are missing");
            }
            return CalibrationImages.read(new java.io.BufferedInputStream(in), manifest.normalization());
        }
    }

    /** Normalised calibration images (model inputs), possibly none. */
    public List<float[]> calibrationImages() {
        return calibrationImages;
    }

    public ModelProto model() {
        return model;
    }

    public SlotManifest manifest() {
        return manifest;
    }

    public List<SlotSpec> slots() {
        return List.copyOf(slots.values());
    }

    public Optional<SlotSpec> slot(String name) {
        return Optional.ofNullable(slots.get(name));
    }

    public SlotBoundary boundary(String slot) {
        return boundaries.get(slot);
    }

    public ModelCost defaultCost() {
        return defaultCost;
    }

    public TensorShape inputShape() {
        return shapeOf("model", "input", manifest.input().shape());
    }

    public int classCount() {
        return manifest.output().shape().get(0);
    }

    /** Copies of the trained parameters of a slot's default layer. */
    public Optional<SlotWeights> weights(String slotName) {
        SlotSpec spec = slots.get(slotName);
        if (spec == null) {
            return Optional.empty();
        }
        SlotManifest.SlotParameters p = manifest.slots().get(spec.index()).parameters();
        return Optional.of(new SlotWeights(slotName, floats(p.kernel()), spec.output().channels(),
                spec.input().channels(), spec.kernelSize(), floats(p.bnScale()), floats(p.bnBias()),
                floats(p.bnMean()), floats(p.bnVariance()), p.bnEpsilon()));
    }

    private float[] floats(String initializer) {
        try {
            return Initializers.floats(model, initializer);
        } catch (GraphException e) {
            throw new IllegalStateException("the manifest names initializer " + initializer + ": " + e.getMessage(), e);
        }
    }

    private static TensorShape shapeOf(String slot, String which, List<Integer> dims) {
        if (dims == null || dims.size() != 3) {
            if (dims != null && dims.size() == 1 && "output".equals(which)) {
                return new TensorShape(dims.get(0), 1, 1);
            }
            throw new IllegalStateException("slot " + slot + ": " + which + " shape must be [C, H, W], got " + dims);
        }
        return new TensorShape(dims.get(0), dims.get(1), dims.get(2));
    }

    private static void requireShape(Map<String, long[]> shapes, String slot, String tensor, TensorShape expected) {
        long[] actual = shapes.get(tensor);
        List<Long> want = List.of(-1L, (long) expected.channels(), (long) expected.height(), (long) expected.width());
        List<Long> got = new ArrayList<>();
        if (actual != null) {
            for (long d : actual) {
                got.add(d);
            }
        }
        if (!want.equals(got)) {
            throw new IllegalStateException("slot " + slot + ": tensor " + tensor + " has shape " + got
                    + " in the graph but the manifest says " + expected);
        }
    }
}
