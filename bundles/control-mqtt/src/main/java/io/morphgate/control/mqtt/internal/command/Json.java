package io.morphgate.control.mqtt.internal.command;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

/** Strict JSON in, compact UTF-8 JSON out. */
public final class Json {

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeSpecialFloatingPointValues()
            .create();

    private Json() {
    }

    /** Parses one JSON document, strictly (no comments, no unquoted names, nothing after it). */
    public static JsonElement parse(String text) throws CommandException {
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setStrictness(Strictness.STRICT);
            JsonElement element = JsonParser.parseReader(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new CommandException(ErrorCodes.MALFORMED_JSON, "unexpected content after the JSON document");
            }
            return element;
        } catch (JsonParseException | IOException | IllegalStateException e) {
            throw new CommandException(ErrorCodes.MALFORMED_JSON, "not valid JSON: " + rootMessage(e));
        }
    }

    public static String text(JsonElement element) {
        return GSON.toJson(element);
    }

    public static byte[] bytes(JsonElement element) {
        return text(element).getBytes(StandardCharsets.UTF_8);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        // Gson's advice to parse leniently is not for the cloud; its documentation link neither
        return String.valueOf(root.getMessage()).replaceAll("Use JsonReader\\.setStrictness\\([^)]*\\) to accept malformed JSON\\s*", "")
                .replaceAll("\\s*See https?://\\S+", "").trim();
    }
}
