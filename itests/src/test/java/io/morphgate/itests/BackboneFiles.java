package io.morphgate.itests;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.osgi.framework.Bundle;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.morphgate.onnx.OnnxModelIO;
import io.morphgate.onnx.SlotBoundary;

/** The Fashion-MNIST graph and slot boundaries as its model bundle ships them, read from the bundle's entries. */
public record BackboneFiles(ModelProto model, Map<String, SlotBoundary> slots) {

    public static BackboneFiles of(Bundle backbone) {
        try (InputStream model = backbone.getEntry("model/backbone.onnx").openStream();
                InputStream manifest = backbone.getEntry("model/slots.json").openStream()) {
            JsonObject json = JsonParser.parseReader(new InputStreamReader(manifest, StandardCharsets.UTF_8))
                    .getAsJsonObject();
            Map<String, SlotBoundary> slots = new LinkedHashMap<>();
            for (JsonElement slot : json.getAsJsonArray("slots")) {
                JsonObject s = slot.getAsJsonObject();
                String name = s.get("name").getAsString();
                slots.put(name, new SlotBoundary(name, s.get("inputTensor").getAsString(),
                        s.get("outputTensor").getAsString()));
            }
            return new BackboneFiles(OnnxModelIO.read(model), slots);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
