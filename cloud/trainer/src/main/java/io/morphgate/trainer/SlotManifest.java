package io.morphgate.trainer;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.slot.SlotWeights;
import io.morphgate.api.slot.TensorShape;
import io.morphgate.onnx.CostCounter;
import io.morphgate.onnx.GraphComposer;
import io.morphgate.onnx.Initializers;
import io.morphgate.onnx.SlotBoundary;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The backbone's {@code slots.json}, kept as a JSON tree so the trainer rewrites only the three fields it owns
 * ({@code backboneId}, {@code description}, {@code testAccuracy}) and leaves every other field, and its name, exactly as it was.
 */
final class SlotManifest {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    private final JsonObject json;

    private SlotManifest(JsonObject json) {
        this.json = json;
    }

    static SlotManifest read(Path file) {
        try {
            return new SlotManifest(GSON.fromJson(Files.readString(file), JsonObject.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The slot specs, with default costs counted on the backbone's own slot layers (as the gateway counts them). */
    List<SlotSpec> slots(ModelProto backbone) {
        List<SlotSpec> out = new ArrayList<>();
        for (JsonElement e : json.getAsJsonArray("slots")) {
            JsonObject s = e.getAsJsonObject();
            var cost = CostCounter.count(GraphComposer.extract(backbone, boundary(s)));
            out.add(new SlotSpec(s.get("name").getAsString(), out.size(), shape(s, "inputShape"),
                    shape(s, "outputShape"), s.get("kernelSize").getAsInt(), s.get("defaultLayer").getAsString(),
                    cost.params(), cost.macs()));
        }
        return out;
    }

    SlotBoundary boundary(String slot) {
        for (JsonElement e : json.getAsJsonArray("slots")) {
            if (e.getAsJsonObject().get("name").getAsString().equals(slot)) {
                return boundary(e.getAsJsonObject());
            }
        }
        throw new IllegalArgumentException("slots.json has no slot " + slot);
    }

    /** The trained parameters of a slot's default layer in {@code backbone}, as the gateway's backbone publishes them. */
    SlotWeights weights(SlotSpec slot, ModelProto backbone) {
        for (JsonElement e : json.getAsJsonArray("slots")) {
            JsonObject s = e.getAsJsonObject();
            if (s.get("name").getAsString().equals(slot.name())) {
                JsonObject p = s.getAsJsonObject("parameters");
                return new SlotWeights(slot.name(), floats(backbone, p, "kernel"), slot.output().channels(),
                        slot.input().channels(), slot.kernelSize(), floats(backbone, p, "bnScale"),
                        floats(backbone, p, "bnBias"), floats(backbone, p, "bnMean"), floats(backbone, p, "bnVariance"),
                        p.get("bnEpsilon").getAsFloat());
            }
        }
        throw new IllegalArgumentException("slots.json has no slot " + slot.name());
    }

    private static float[] floats(ModelProto backbone, JsonObject parameters, String field) {
        try {
            return Initializers.floats(backbone, parameters.get(field).getAsString());
        } catch (io.morphgate.onnx.GraphException e) {
            throw new IllegalStateException("slots.json names initializer " + parameters.get(field) + ": "
                    + e.getMessage(), e);
        }
    }

    String calibrationFile() {
        return json.getAsJsonObject("calibration").get("images").getAsString();
    }

    String backboneId() {
        return json.get("backboneId").getAsString();
    }

    /** A copy with a new id, description and test accuracy (read by the gateway's policy); all other fields unchanged. */
    SlotManifest describe(String backboneId, String description, double testAccuracy) {
        JsonObject copy = json.deepCopy();
        copy.addProperty("backboneId", backboneId);
        copy.addProperty("description", description);
        copy.addProperty("testAccuracy", Math.round(testAccuracy * 10000) / 10000.0);
        return new SlotManifest(copy);
    }

    void write(Path file) {
        try {
            Files.writeString(file, GSON.toJson(json) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static SlotBoundary boundary(JsonObject s) {
        return new SlotBoundary(s.get("name").getAsString(), s.get("inputTensor").getAsString(),
                s.get("outputTensor").getAsString());
    }

    private static TensorShape shape(JsonObject s, String field) {
        var a = s.getAsJsonArray(field);
        return new TensorShape(a.get(0).getAsInt(), a.get(1).getAsInt(), a.get(2).getAsInt());
    }
}
