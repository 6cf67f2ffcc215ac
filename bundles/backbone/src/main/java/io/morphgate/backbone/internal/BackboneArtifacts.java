package io.morphgate.backbone.internal;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.morphgate.api.model.ModelDescriptor;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.slot.SlotWeights;
import io.morphgate.api.slot.TensorShape;
import io.morphgate.model.InvalidModelException;
import io.morphgate.model.ModelBundleFormat;
import io.morphgate.model.ModelDescriptors;
import io.morphgate.onnx.CostCounter;
import io.morphgate.onnx.CostCounter.ModelCost;
import io.morphgate.onnx.GraphCheck;
import io.morphgate.onnx.GraphComposer;
import io.morphgate.onnx.GraphException;
import io.morphgate.onnx.Initializers;
import io.morphgate.onnx.OnnxModelIO;
import io.morphgate.onnx.ShapeInference;
import io.morphgate.onnx.SlotBoundary;

/**
 * One model as the backbone serves it: its descriptor, its graph, its slots (from a hand-written slot manifest when
 * the model has one, otherwise found in the graph: {@link DiscoveredSlots}) and its calibration images, loaded and
 * cross-checked once. Immutable.
 */
public final class BackboneArtifacts {

    private final ModelDescriptor descriptor;
    private final ModelProto model;
    private final SlotManifest manifest;
    private final String sha256;
    private final Map<String, SlotSpec> slots = new LinkedHashMap<>();
    private final Map<String, SlotBoundary> boundaries = new LinkedHashMap<>();
    /** The slots found in the graph, when the model lists none; by name. */
    private final Map<String, DiscoveredSlots.Found> discovered = new LinkedHashMap<>();
    private final ModelCost defaultCost;
    private final List<float[]> calibrationImages;
    private final int classCount;
    private final boolean batchOfOne;
    /** The model's other files (trained variants) by path relative to the descriptor; null when absent. */
    private volatile Function<String, InputStream> files = path -> null;

    private BackboneArtifacts(ModelDescriptor descriptor, ModelProto model, String sha256, SlotManifest manifest,
            List<float[]> calibrationImages) {
        this.descriptor = descriptor;
        this.model = model;
        this.sha256 = sha256;
        this.manifest = manifest;
        this.calibrationImages = List.copyOf(calibrationImages);
        GraphCheck.check(model);
        Map<String, long[]> shapes = ShapeInference.infer(model);
        this.batchOfOne = checkInput(descriptor.input(), shapes);
        this.classCount = checkOutput(descriptor, shapes);
        for (SlotManifest.Slot slot : manifest == null ? List.<SlotManifest.Slot>of() : manifest.slots()) {
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
        if (manifest == null) {
            for (DiscoveredSlots.Found found : DiscoveredSlots.find(model, shapes)) {
                slots.put(found.spec().name(), found.spec());
                boundaries.put(found.spec().name(), found.boundary());
                discovered.put(found.spec().name(), found);
            }
        }
        this.defaultCost = CostCounter.count(model);
    }

    /**
     * Reads a model the way a model bundle lays it out: the descriptor at {@code descriptorPath}, and the files it
     * names beside it, opened through {@code files} (null when absent).
     *
     * @throws InvalidModelException saying what is wrong
     */
    public static BackboneArtifacts read(Function<String, InputStream> files, String descriptorPath) {
        String folder = ModelBundleFormat.folderOf(descriptorPath);
        ModelDescriptor descriptor;
        try (InputStream json = open(files, descriptorPath, "the descriptor")) {
            descriptor = ModelDescriptors.read(json);
        } catch (IOException e) {
            throw new InvalidModelException("cannot read the descriptor " + descriptorPath + ": " + e.getMessage(), e);
        }
        byte[] onnx;
        try (InputStream in = open(files, folder + descriptor.onnx(), "the ONNX file")) {
            onnx = in.readAllBytes();
        } catch (IOException e) {
            throw new InvalidModelException("cannot read " + descriptor.onnx() + ": " + e.getMessage(), e);
        }
        SlotManifest manifest = null;
        if (descriptor.slots() != null) {
            try (InputStream in = open(files, folder + descriptor.slots(), "the slot manifest");
                    InputStreamReader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                manifest = new Gson().fromJson(reader, SlotManifest.class);
            } catch (IOException | JsonParseException e) {
                throw new InvalidModelException("cannot read " + descriptor.slots() + ": " + e.getMessage(), e);
            }
            if (manifest == null || manifest.slots() == null) {
                throw new InvalidModelException(descriptor.slots() + " lists no slots");
            }
        }
        List<float[]> calibration = List.of();
        if (descriptor.calibration() != null) {
            try (InputStream in = open(files, folder + descriptor.calibration(), "the calibration images")) {
                calibration = CalibrationImages.read(new BufferedInputStream(in), descriptor.input(), descriptor.calibration());
            } catch (IOException e) {
                throw new InvalidModelException("cannot read " + descriptor.calibration() + ": " + e.getMessage(), e);
            }
        }
        BackboneArtifacts artifacts = of(descriptor, onnx, manifest, calibration);
        artifacts.files = path -> files.apply(folder + path);
        return artifacts;
    }

    /**
     * Another file of the model, by its path relative to the descriptor (e.g. {@code variants/<id>.onnx}): its
     * bytes, or empty when the model has no such file.
     */
    public Optional<byte[]> file(String path) {
        try (InputStream in = files.apply(path)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException | RuntimeException e) {
            throw new InvalidModelException("cannot read " + path + " of model " + id() + ": " + e.getMessage(), e);
        }
    }

    /** A model from its parts; throws {@link InvalidModelException} saying what does not fit. */
    public static BackboneArtifacts of(ModelDescriptor descriptor, byte[] onnx, SlotManifest manifest,
            List<float[]> calibration) {
        ModelProto model;
        try {
            // from the bytes in hand: reading them again through a stream would copy a 45 MB ResNet-18 twice more
            model = OnnxModelIO.read(onnx);
        } catch (RuntimeException e) {
            throw new InvalidModelException(descriptor.onnx() + " is not a readable ONNX model: " + e.getMessage(), e);
        }
        return of(descriptor, model, sha256(onnx), manifest, calibration);
    }

    /** A model from its parsed graph and the SHA-256 of its file; throws {@link InvalidModelException}. */
    public static BackboneArtifacts of(ModelDescriptor descriptor, ModelProto model, String sha256,
            SlotManifest manifest, List<float[]> calibration) {
        try {
            return new BackboneArtifacts(descriptor, model, sha256, manifest, calibration);
        } catch (GraphException e) {
            throw new InvalidModelException("model " + descriptor.id() + ": " + e.getMessage(), e);
        } catch (IllegalStateException e) {
            throw new InvalidModelException("model " + descriptor.id() + ": " + e.getMessage(), e);
        }
    }

    private static InputStream open(Function<String, InputStream> files, String path, String what) {
        InputStream in = files.apply(path);
        if (in == null) {
            throw new InvalidModelException(what + " " + path + " is missing");
        }
        return in;
    }

    /** True when the graph takes batches of exactly one: the backbone then runs requests one by one. */
    private static boolean checkInput(ModelDescriptor.Input input, Map<String, long[]> shapes) {
        long[] dims = shapes.get(input.tensor());
        if (dims == null) {
            throw new InvalidModelException("the graph has no input " + input.tensor());
        }
        List<Long> want = List.of((long) input.channels(), (long) input.height(), (long) input.width());
        if (dims.length != 4 || !want.equals(List.of(dims[1], dims[2], dims[3]))) {
            throw new InvalidModelException("input " + input.tensor() + " has shape " + Arrays.toString(dims)
                    + " in the graph but the descriptor says [N, " + input.channels() + ", " + input.height() + ", "
                    + input.width() + "]");
        }
        return dims[0] == 1;
    }

    private static int checkOutput(ModelDescriptor descriptor, Map<String, long[]> shapes) {
        long[] dims = shapes.get(descriptor.output().tensor());
        if (dims == null) {
            throw new InvalidModelException("the graph has no output " + descriptor.output().tensor());
        }
        if (dims.length != 2 || dims[1] < 1) {
            throw new InvalidModelException("output " + descriptor.output().tensor() + " has shape "
                    + Arrays.toString(dims) + "; the gateway serves classifiers with an output [N, classes]");
        }
        int classes = (int) dims[1];
        if (!descriptor.labels().isEmpty() && descriptor.labels().size() != classes) {
            throw new InvalidModelException("the descriptor names " + descriptor.labels().size()
                    + " labels but the model has " + classes + " classes");
        }
        return classes;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    /** The model's descriptor. */
    public ModelDescriptor descriptor() {
        return descriptor;
    }

    /** The model id. */
    public String id() {
        return descriptor.id();
    }

    /**
     * Identity of the parameters: the slot manifest's backbone id when the model has one (trained variants name it),
     * otherwise the model id, version and the start of the ONNX file's SHA-256.
     */
    public String backboneId() {
        return manifest != null && manifest.backboneId() != null ? manifest.backboneId()
                : descriptor.id() + "-" + descriptor.version() + "-" + sha256.substring(0, 12);
    }

    /** SHA-256 of the ONNX file, hex. */
    public String sha256() {
        return sha256;
    }

    /** Labels in output order: the descriptor's, or the class indices. */
    public List<String> labels() {
        if (!descriptor.labels().isEmpty()) {
            return descriptor.labels();
        }
        List<String> indices = new ArrayList<>(classCount);
        for (int i = 0; i < classCount; i++) {
            indices.add(String.valueOf(i));
        }
        return indices;
    }

    /** True when the graph takes batches of one only. */
    public boolean batchOfOne() {
        return batchOfOne;
    }

    /** Normalised calibration images (model inputs), possibly none. */
    public List<float[]> calibrationImages() {
        return calibrationImages;
    }

    public ModelProto model() {
        return model;
    }

    /** The hand-written slot manifest, if the model has one. */
    public Optional<SlotManifest> manifest() {
        return Optional.ofNullable(manifest);
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
        return descriptor.input().shape();
    }

    public int classCount() {
        return classCount;
    }

    /** Copies of the trained parameters of a slot's default layer. */
    public Optional<SlotWeights> weights(String slotName) {
        SlotSpec spec = slots.get(slotName);
        if (spec == null) {
            return Optional.empty();
        }
        DiscoveredSlots.Found found = discovered.get(slotName);
        if (found != null) {
            return Optional.of(DiscoveredSlots.weights(model, found));
        }
        SlotManifest.SlotParameters p = manifest.slots().get(spec.index()).parameters();
        if (p == null) {
            return Optional.empty();
        }
        return Optional.of(new SlotWeights(slotName, floats(p.kernel()), spec.output().channels(),
                spec.input().channels(), spec.kernelSize(), floats(p.bnScale()), floats(p.bnBias()),
                floats(p.bnMean()), floats(p.bnVariance()), p.bnEpsilon()));
    }

    private float[] floats(String initializer) {
        try {
            return Initializers.floats(model, initializer);
        } catch (GraphException e) {
            throw new InvalidModelException("the slot manifest names initializer " + initializer + ": " + e.getMessage(), e);
        }
    }

    private static TensorShape shapeOf(String slot, String which, List<Integer> dims) {
        if (dims == null || dims.size() != 3) {
            if (dims != null && dims.size() == 1 && "output".equals(which)) {
                return new TensorShape(dims.get(0), 1, 1);
            }
            throw new InvalidModelException("slot " + slot + ": " + which + " shape must be [C, H, W], got " + dims);
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
            throw new InvalidModelException("slot " + slot + ": tensor " + tensor + " has shape " + got
                    + " in the graph but the manifest says " + expected);
        }
    }
}
