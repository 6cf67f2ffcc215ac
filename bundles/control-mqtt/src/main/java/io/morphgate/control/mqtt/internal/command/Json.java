package io.morphgate.control.mqtt.internal.command;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

import io.morphgate.wire.JsonText;

/**
 * Strict JSON in, compact UTF-8 JSON out. What goes out is always JSON ({@link JsonText}): a member whose value is
 * {@code null} is written as {@code null} (the protocol documents such fields, e.g. an unset budget limit), and a
 * number that is NaN or infinite, which JSON cannot carry, is written as {@code null} too.
 */
public final class Json {

    /** Deepest nesting of arrays and objects a command may have; no verb needs more than a few levels. */
    public static final int MAX_DEPTH = 32;
    /** Longest excerpt of a value quoted back in an error message. */
    static final int EXCERPT_CHARS = 80;

    private Json() {
    }

    /**
     * Parses one JSON document, strictly (no comments, no unquoted names, nothing after it, no name twice in one
     * object: Gson would keep the last one silently, even for {@code requestId}).
     */
    public static JsonElement parse(String text) throws CommandException {
        checkNesting(text);
        try (JsonReader reader = new UniqueNamesReader(new StringReader(text))) {
            reader.setStrictness(Strictness.STRICT);
            JsonElement element = JsonParser.parseReader(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new CommandException(ErrorCodes.MALFORMED_JSON, "unexpected content after the JSON document");
            }
            return element;
        } catch (DuplicateName e) {
            throw new CommandException(ErrorCodes.MALFORMED_JSON, "the name '" + e.name + "' appears twice in one "
                    + "object (at " + e.path + "); give each field once");
        } catch (JsonParseException | IOException | IllegalStateException e) {
            throw new CommandException(ErrorCodes.MALFORMED_JSON, "not valid JSON: " + rootMessage(e));
        }
    }

    /** A reader that refuses a name seen before in the same object (Gson's tree reads through these methods). */
    private static final class UniqueNamesReader extends JsonReader {

        private final Deque<Set<String>> names = new ArrayDeque<>();

        UniqueNamesReader(Reader in) {
            super(in);
        }

        @Override
        public void beginObject() throws IOException {
            super.beginObject();
            names.push(new HashSet<>());
        }

        @Override
        public void endObject() throws IOException {
            super.endObject();
            names.pop();
        }

        @Override
        public String nextName() throws IOException {
            String name = super.nextName();
            if (!names.isEmpty() && !names.peek().add(name)) {
                String path = getPath();
                throw new DuplicateName(name, path.startsWith("$.") ? path.substring(2) : path);
            }
            return name;
        }
    }

    private static final class DuplicateName extends RuntimeException {

        private static final long serialVersionUID = 1L;

        final String name;
        final String path;

        DuplicateName(String name, String path) {
            super(name, null, false, false);
            this.name = name;
            this.path = path;
        }
    }

    /** The value as compact JSON, cut to {@value #EXCERPT_CHARS} characters: what an error message may quote. */
    public static String excerpt(JsonElement element) {
        String text = String.valueOf(element);
        return text.length() <= EXCERPT_CHARS ? text
                : text.substring(0, EXCERPT_CHARS) + "... (" + text.length() + " characters)";
    }

    public static String text(JsonElement element) {
        return JsonText.write(element);
    }

    public static byte[] bytes(JsonElement element) {
        return text(element).getBytes(StandardCharsets.UTF_8);
    }

    /** Compact JSON in which members whose value is {@code null} (or NaN, infinite) are left out. */
    public static byte[] bytesWithoutNulls(JsonElement element) {
        return JsonText.writeWithoutNulls(element).getBytes(StandardCharsets.UTF_8);
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
