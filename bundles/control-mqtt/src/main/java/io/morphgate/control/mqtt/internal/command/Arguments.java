package io.morphgate.control.mqtt.internal.command;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

/**
 * Typed reading of a command's fields. Every refusal is an INVALID_ARGUMENT that names the field (with its path, e.g.
 * {@code artifact.sha256}) and says what was expected.
 */
public final class Arguments {

    /** Request ids, upload ids: what may appear in a topic level and a file name. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final JsonObject body;
    private final String prefix;

    public Arguments(JsonObject body) {
        this(body, "");
    }

    private Arguments(JsonObject body, String prefix) {
        this.body = body;
        this.prefix = prefix;
    }

    /**
     * Refuses a field that is not among {@code declared} (paths as in {@link CommandHandler#fields()}), or
     * {@code requestId} at the top: INVALID_ARGUMENT naming the first unknown field with its path and listing the
     * fields known there. Objects and arrays of objects whose members are declared are checked member by member.
     */
    public void refuseUnknown(Set<String> declared) throws CommandException {
        refuseUnknown(body, "", prefix, declared);
    }

    private static void refuseUnknown(JsonObject object, String schema, String path, Set<String> declared)
            throws CommandException {
        for (Map.Entry<String, JsonElement> member : object.entrySet()) {
            String name = member.getKey();
            String field = schema + name;
            if (schema.isEmpty() && "requestId".equals(name)) {
                continue;
            }
            boolean inObject = hasMembers(declared, field + ".");
            boolean inObjects = hasMembers(declared, field + "[].");
            if (!declared.contains(field) && !inObject && !inObjects) {
                Set<String> known = known(declared, schema);
                throw CommandException.invalidArgument(path + name, "unknown field; "
                        + (known.isEmpty() ? "none is taken here" : "the fields here are " + known));
            }
            JsonElement value = member.getValue();
            if (inObject && value.isJsonObject()) {
                refuseUnknown(value.getAsJsonObject(), field + ".", path + name + ".", declared);
            } else if (inObjects && value.isJsonArray()) {
                JsonArray items = value.getAsJsonArray();
                for (int i = 0; i < items.size(); i++) {
                    if (items.get(i).isJsonObject()) {
                        refuseUnknown(items.get(i).getAsJsonObject(), field + "[].", path + name + "[" + i + "].",
                                declared);
                    }
                }
            }
        }
    }

    private static boolean hasMembers(Set<String> declared, String prefix) {
        return declared.stream().anyMatch(d -> d.startsWith(prefix));
    }

    /** The names declared directly under {@code schema} ({@code requestId} too at the top), sorted. */
    private static Set<String> known(Set<String> declared, String schema) {
        Set<String> names = new TreeSet<>();
        if (schema.isEmpty()) {
            names.add("requestId");
        }
        for (String d : declared) {
            if (d.startsWith(schema)) {
                names.add(d.substring(schema.length()).split("[.\\[]", 2)[0]);
            }
        }
        return names;
    }

    public boolean has(String name) {
        return body.has(name) && !body.get(name).isJsonNull();
    }

    /** Whether the field is there with the value {@code null}. */
    public boolean isNull(String name) {
        return body.has(name) && body.get(name).isJsonNull();
    }

    public String requiredString(String name) throws CommandException {
        return optionalString(name).orElseThrow(() -> missing(name, "a string"));
    }

    public Optional<String> optionalString(String name) throws CommandException {
        if (!has(name)) {
            return Optional.empty();
        }
        JsonElement value = body.get(name);
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
            throw wrong(name, "a string");
        }
        String text = value.getAsString();
        if (text.isBlank()) {
            throw CommandException.invalidArgument(path(name), "must not be empty");
        }
        return Optional.of(text);
    }

    /** A string matching {@link #ID}. */
    public String requiredId(String name) throws CommandException {
        String id = requiredString(name);
        if (!ID.matcher(id).matches()) {
            throw CommandException.invalidArgument(path(name), "must be 1 to 64 characters of A-Z a-z 0-9 . _ -");
        }
        return id;
    }

    public int requiredInt(String name, int min, int max) throws CommandException {
        OptionalLong value = optionalLong(name, min, max);
        if (value.isEmpty()) {
            throw missing(name, "an integer");
        }
        return (int) value.getAsLong();
    }

    public OptionalLong optionalLong(String name, long min, long max) throws CommandException {
        if (!has(name)) {
            return OptionalLong.empty();
        }
        JsonPrimitive number = number(name, "an integer");
        long value;
        try {
            value = number.getAsBigDecimal().longValueExact();
        } catch (ArithmeticException e) {
            throw wrong(name, "an integer");
        }
        if (value < min || value > max) {
            throw CommandException.invalidArgument(path(name), "must be between " + min + " and " + max + ", not " + value);
        }
        return OptionalLong.of(value);
    }

    public OptionalDouble optionalPositiveDouble(String name) throws CommandException {
        if (!has(name)) {
            return OptionalDouble.empty();
        }
        double value = number(name, "a number").getAsDouble();
        if (!(value > 0) || Double.isInfinite(value)) {
            throw CommandException.invalidArgument(path(name), "must be a positive number, not " + value);
        }
        return OptionalDouble.of(value);
    }

    public Arguments requiredObject(String name) throws CommandException {
        if (!has(name)) {
            throw missing(name, "an object");
        }
        JsonElement value = body.get(name);
        if (!value.isJsonObject()) {
            throw wrong(name, "an object");
        }
        return new Arguments(value.getAsJsonObject(), path(name) + ".");
    }

    /** A non-empty array of objects. */
    public List<Arguments> requiredObjects(String name) throws CommandException {
        JsonArray array = array(name, "a non-empty array of objects");
        List<Arguments> items = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            if (!array.get(i).isJsonObject()) {
                throw CommandException.invalidArgument(path(name) + "[" + i + "]", "must be an object");
            }
            items.add(new Arguments(array.get(i).getAsJsonObject(), path(name) + "[" + i + "]."));
        }
        return items;
    }

    /** A non-empty array of non-empty strings. */
    public List<String> requiredStrings(String name) throws CommandException {
        JsonArray array = array(name, "a non-empty array of strings");
        List<String> items = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            JsonElement item = array.get(i);
            if (!item.isJsonPrimitive() || !item.getAsJsonPrimitive().isString() || item.getAsString().isBlank()) {
                throw CommandException.invalidArgument(path(name) + "[" + i + "]", "must be a non-empty string");
            }
            items.add(item.getAsString());
        }
        return items;
    }

    /** A non-empty object whose values are non-empty strings, in the order given. */
    public Map<String, String> requiredStringMap(String name) throws CommandException {
        Arguments object = requiredObject(name);
        Map<String, String> map = new LinkedHashMap<>();
        for (String key : object.body.keySet()) {
            map.put(key, object.requiredString(key));
        }
        if (map.isEmpty()) {
            throw CommandException.invalidArgument(path(name), "must name at least one entry");
        }
        return map;
    }

    private JsonArray array(String name, String expected) throws CommandException {
        if (!has(name)) {
            throw missing(name, expected);
        }
        JsonElement value = body.get(name);
        if (!value.isJsonArray() || value.getAsJsonArray().isEmpty()) {
            throw wrong(name, expected);
        }
        return value.getAsJsonArray();
    }

    private JsonPrimitive number(String name, String expected) throws CommandException {
        JsonElement value = body.get(name);
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()) {
            throw wrong(name, expected);
        }
        return value.getAsJsonPrimitive();
    }

    private CommandException missing(String name, String expected) {
        return CommandException.invalidArgument(path(name), "missing; expected " + expected);
    }

    private CommandException wrong(String name, String expected) {
        return CommandException.invalidArgument(path(name), "expected " + expected + ", got "
                + Json.excerpt(body.get(name)));
    }

    private String path(String name) {
        return prefix + name;
    }
}
