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

    /** Deepest nesting of arrays and objects a command may have; no verb needs more than a few levels. */
    public static final int MAX_DEPTH = 32;
    /** Longest excerpt of a value quoted back in an error message. */
    static final int EXCERPT_CHARS = 80;

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeSpecialFloatingPointValues()
            .create();

    private Json() {
    }

    /** Parses one JSON document, strictly (no comments, no unquoted names, nothing after it). */
    public static JsonElement parse(String text) throws CommandException {
        checkNesting(text);
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

    /** The value as compact JSON, cut to {@value #EXCERPT_CHARS} characters: what an error message may quote. */
    public static String excerpt(JsonElement element) {
        String text = String.valueOf(element);
        return text.length() <= EXCERPT_CHARS ? text
                : text.substring(0, EXCERPT_CHARS) + "... (" + text.length() + " characters)";
    }

    public static String text(JsonElement element) {
        return GSON.toJson(element);
    }

    public static byte[] bytes(JsonElement element) {
        return text(element).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Refuses nesting deeper than {@link #MAX_DEPTH} before parsing: Gson parses any depth, but writing such a tree
     * back (e.g. quoting it in an error) recurses once per level and overflows the stack. A lexical scan suffices:
     * in valid JSON every bracket outside a string is structural, and invalid JSON fails the parse anyway.
     */
    private static void checkNesting(String text) throws CommandException {
        int depth = 0;
        boolean inString = false;
        boolean escaped = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '[' || c == '{') {
                if (++depth > MAX_DEPTH) {
                    throw new CommandException(ErrorCodes.MALFORMED_JSON, "arrays and objects nest deeper than "
                            + MAX_DEPTH + " levels (at character " + i + ")");
                }
            } else if (c == ']' || c == '}') {
                depth--;
            }
        }
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
