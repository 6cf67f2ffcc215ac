package io.morphgate.wire;

import java.io.IOException;
import java.io.StringReader;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

/** What a reader on the other end does: writes the tree as the gateway does, parses it back strictly. */
final class StrictJson {

    private StrictJson() {
    }

    /** The tree through {@link JsonText} and back: fails on anything that is not strict JSON (a bare NaN, say). */
    static JsonObject throughText(JsonElement tree) {
        String text = JsonText.write(tree);
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setStrictness(Strictness.STRICT);
            JsonElement parsed = JsonParser.parseReader(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new AssertionError("content after the document: " + text);
            }
            return parsed.getAsJsonObject();
        } catch (IOException e) {
            throw new AssertionError(text, e);
        }
    }

    /** A number that may be null (not known) as the record holds it: NaN. */
    static double number(JsonObject json, String name) {
        return json.get(name).isJsonNull() ? Double.NaN : json.get(name).getAsDouble();
    }
}
