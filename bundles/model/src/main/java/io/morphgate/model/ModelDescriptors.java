package io.morphgate.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;

import io.morphgate.api.model.ModelDescriptor;
import io.morphgate.api.model.ModelDescriptor.ChannelOrder;
import io.morphgate.api.model.ModelDescriptor.Input;

/**
 * Reads a model descriptor strictly (unknown or missing fields, wrong types and impossible values are refused with
 * the field named) and writes one. The format is documented in {@code docs/models.md}.
 */
public final class ModelDescriptors {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern RELATIVE_PATH = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");
    private static final Pattern POSITION = Pattern.compile("at (line \\d+ column \\d+)");
    private static final int MAX_SIDE = 4096;
    private static final Set<String> TOP = Set.of("id", "version", "description", "onnx", "input", "output", "labels",
            "calibration", "slots", "testAccuracy");
    private static final Set<String> INPUT = Set.of("tensor", "channels", "height", "width", "resize", "channelOrder",
            "mean", "std");
    private static final Set<String> OUTPUT = Set.of("tensor");
    private static final Gson WRITER = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private ModelDescriptors() {
    }

    /** Reads and validates a descriptor. */
    public static ModelDescriptor read(InputStream json) throws IOException {
        return read(new InputStreamReader(json, StandardCharsets.UTF_8));
    }

    /**
     * Reads and validates a descriptor.
     *
     * @throws InvalidModelException naming the field that is wrong
     */
    public static ModelDescriptor read(Reader json) throws IOException {
        JsonElement root;
        try {
            JsonReader reader = new JsonReader(json);
            reader.setStrictness(Strictness.STRICT);
            root = JsonParser.parseReader(reader);
        } catch (JsonParseException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io && !(cause instanceof com.google.gson.stream.MalformedJsonException)) {
                throw io;
            }
            Matcher where = POSITION.matcher(String.valueOf(e.getMessage()));
            throw new InvalidModelException("the descriptor is not JSON" + (where.find() ? ": at " + where.group(1) : ""));
        }
        if (!root.isJsonObject()) {
            throw new InvalidModelException("the descriptor must be a JSON object");
        }
        return validate(fromJson(root.getAsJsonObject()));
    }

    /** Checks every field of a descriptor made in code; returns it. */
    public static ModelDescriptor validate(ModelDescriptor d) {
        requireMatch("id", d.id(), ID);
        requireMatch("version", d.version(), ID);
        requireMatch("onnx", d.onnx(), RELATIVE_PATH);
        if (d.calibration() != null) {
            requireMatch("calibration", d.calibration(), RELATIVE_PATH);
        }
        if (d.slots() != null) {
            requireMatch("slots", d.slots(), RELATIVE_PATH);
        }
        Input in = require("input", d.input());
        require("input.tensor", in.tensor());
        if (in.channels() != 1 && in.channels() != 3) {
            throw new InvalidModelException("input.channels must be 1 (grey) or 3 (colour), not " + in.channels());
        }
        requireSide("input.height", in.height());
        requireSide("input.width", in.width());
        if (in.resize() != 0 && (in.resize() < Math.max(in.height(), in.width()) || in.resize() > MAX_SIDE)) {
            throw new InvalidModelException("input.resize is the shorter side before the centre crop: 0, or from "
                    + Math.max(in.height(), in.width()) + " to " + MAX_SIDE + ", not " + in.resize());
        }
        require("input.channelOrder", in.channelOrder());
        requirePerChannel("input.mean", in.mean(), in.channels(), false);
        requirePerChannel("input.std", in.std(), in.channels(), true);
        require("output", d.output());
        require("output.tensor", d.output().tensor());
        require("labels", d.labels()).forEach(label -> require("labels[]", label));
        if (d.testAccuracy() != null && !(d.testAccuracy() >= 0 && d.testAccuracy() <= 1)) {
            throw new InvalidModelException("testAccuracy is a fraction from 0 to 1, not " + d.testAccuracy());
        }
        return d;
    }

    /** The descriptor as pretty JSON, fields in the documented order; absent optional fields left out. */
    public static String write(ModelDescriptor descriptor) {
        return WRITER.toJson(validate(descriptor));
    }

    private static ModelDescriptor fromJson(JsonObject o) {
        refuseUnknown("", o, TOP);
        JsonObject in = object(o, "input", true);
        refuseUnknown("input.", in, INPUT);
        JsonObject out = object(o, "output", true);
        refuseUnknown("output.", out, OUTPUT);
        String order = string(in, "channelOrder", false, "input.");
        ChannelOrder channelOrder;
        try {
            channelOrder = order == null ? ChannelOrder.RGB : ChannelOrder.valueOf(order.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidModelException("input.channelOrder must be RGB or BGR, not " + order);
        }
        Input input = new Input(string(in, "tensor", true, "input."), integer(in, "channels", true, "input."),
                integer(in, "height", true, "input."), integer(in, "width", true, "input."),
                integer(in, "resize", false, "input."), channelOrder, numbers(in, "mean", "input."),
                numbers(in, "std", "input."));
        return new ModelDescriptor(string(o, "id", true, ""), string(o, "version", true, ""),
                string(o, "description", false, ""), string(o, "onnx", true, ""), input,
                new ModelDescriptor.Output(string(out, "tensor", true, "output.")), strings(o, "labels"),
                string(o, "calibration", false, ""), string(o, "slots", false, ""), fraction(o, "testAccuracy"));
    }

    private static void refuseUnknown(String prefix, JsonObject o, Set<String> known) {
        for (Map.Entry<String, JsonElement> e : o.entrySet()) {
            if (!known.contains(e.getKey())) {
                throw new InvalidModelException("unknown field " + prefix + e.getKey() + " (known: "
                        + known.stream().sorted().toList() + ")");
            }
        }
    }

    private static JsonObject object(JsonObject o, String name, boolean required) {
        JsonElement e = o.get(name);
        if (e == null || e.isJsonNull()) {
            if (required) {
                throw new InvalidModelException("missing field " + name);
            }
            return new JsonObject();
        }
        if (!e.isJsonObject()) {
            throw new InvalidModelException(name + " must be an object");
        }
        return e.getAsJsonObject();
    }

    private static String string(JsonObject o, String name, boolean required, String prefix) {
        JsonElement e = o.get(name);
        if (e == null || e.isJsonNull()) {
            if (required) {
                throw new InvalidModelException("missing field " + prefix + name);
            }
            return null;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new InvalidModelException(prefix + name + " must be a string");
        }
        return e.getAsString();
    }

    private static int integer(JsonObject o, String name, boolean required, String prefix) {
        JsonElement e = o.get(name);
        if (e == null || e.isJsonNull()) {
            if (required) {
                throw new InvalidModelException("missing field " + prefix + name);
            }
            return 0;
        }
        double value = number(e, prefix + name);
        if (value != Math.rint(value) || Math.abs(value) > Integer.MAX_VALUE) {
            throw new InvalidModelException(prefix + name + " must be a whole number, not " + e);
        }
        return (int) value;
    }

    private static Double fraction(JsonObject o, String name) {
        JsonElement e = o.get(name);
        return e == null || e.isJsonNull() ? null : number(e, name);
    }

    private static double number(JsonElement e, String name) {
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new InvalidModelException(name + " must be a number, not " + e);
        }
        return e.getAsDouble();
    }

    private static List<Double> numbers(JsonObject o, String name, String prefix) {
        JsonElement e = o.get(name);
        if (e == null || e.isJsonNull()) {
            throw new InvalidModelException("missing field " + prefix + name + " (one value per channel)");
        }
        if (!e.isJsonArray()) {
            throw new InvalidModelException(prefix + name + " must be an array of numbers, one per channel");
        }
        List<Double> values = new ArrayList<>();
        for (JsonElement v : e.getAsJsonArray()) {
            values.add(number(v, prefix + name + "[]"));
        }
        return List.copyOf(values);
    }

    private static List<String> strings(JsonObject o, String name) {
        JsonElement e = o.get(name);
        if (e == null || e.isJsonNull()) {
            return List.of();
        }
        if (!e.isJsonArray()) {
            throw new InvalidModelException(name + " must be an array of strings");
        }
        List<String> values = new ArrayList<>();
        for (JsonElement v : e.getAsJsonArray()) {
            if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
                throw new InvalidModelException(name + " must hold strings only, not " + v);
            }
            values.add(v.getAsString());
        }
        return List.copyOf(values);
    }

    private static void requireMatch(String name, String value, Pattern pattern) {
        require(name, value);
        if (!pattern.matcher(value).matches() || value.contains("..")) {
            throw new InvalidModelException(name + " '" + value + "' is not allowed (" + pattern.pattern()
                    + (name.equals("id") || name.equals("version") ? ")" : ", relative, no '..')"));
        }
    }

    private static <T> T require(String name, T value) {
        if (value == null) {
            throw new InvalidModelException("missing field " + name);
        }
        return value;
    }

    private static void requireSide(String name, int side) {
        if (side < 1 || side > MAX_SIDE) {
            throw new InvalidModelException(name + " must be from 1 to " + MAX_SIDE + ", not " + side);
        }
    }

    private static void requirePerChannel(String name, List<Double> values, int channels, boolean positive) {
        require(name, values);
        if (values.size() != channels) {
            throw new InvalidModelException(name + " needs " + channels + " value(s), one per channel, not "
                    + values.size());
        }
        for (Double v : values) {
            if (v == null || !Double.isFinite(v) || (positive && v <= 0)) {
                throw new InvalidModelException(name + " values must be finite" + (positive ? " and positive" : "")
                        + ", not " + v);
            }
        }
    }
}
