package io.morphgate.serving.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;

import io.morphgate.api.serving.ServingException;
import io.morphgate.api.serving.ServingException.Code;

/**
 * {@code application/json}: an object whose {@code tensor} is the model input (already normalised), as a flat array
 * of C*H*W numbers or nested arrays in row-major order (e.g. [1][28][28] or [28][28]). Streamed, so a huge array is
 * refused as soon as it has one value too many rather than after it was read whole.
 *
 * <p>NaN and infinity in the tensor are INVALID_VALUE however they are written: a number beyond the float range
 * (e.g. {@code 1e999}), or the literals {@code NaN}, {@code Infinity}, {@code -Infinity} that some encoders write
 * (Python's {@code json.dumps}). Those literals are not JSON, so the strict reader stops at them; the request is then
 * read again leniently up to that value, only to tell such a literal from other malformed input, which stays
 * MALFORMED_REQUEST (with the reader's position, without its advice to read leniently).
 */
final class TensorJsonDecoder {

    private static final Set<String> NON_FINITE = Set.of("NaN", "Infinity", "-Infinity");

    float[] decode(byte[] body, ModelInput model) {
        int expected = model.shape().elementCount();
        float[] values = new float[expected];
        int[] count = {0};
        try (JsonReader json = reader(body, Strictness.STRICT)) {
            boolean found = false;
            json.beginObject();
            while (json.hasNext()) {
                String name = json.nextName();
                if ("tensor".equals(name)) {
                    if (json.peek() != JsonToken.BEGIN_ARRAY) {
                        throw new ServingException(Code.WRONG_TYPE, "'tensor' must be an array of numbers, not " + kind(json.peek()));
                    }
                    readArray(json, values, count, model);
                    found = true;
                } else {
                    json.skipValue();
                }
            }
            json.endObject();
            if (json.peek() != JsonToken.END_DOCUMENT) {
                throw new ServingException(Code.MALFORMED_REQUEST, "unexpected content after the JSON object");
            }
            if (!found) {
                throw new ServingException(Code.MALFORMED_REQUEST, "the JSON object has no 'tensor' field");
            }
        } catch (StoppedInTensor e) {
            Optional<String> literal = literalAt(body, e.index);
            if (literal.isPresent()) {
                throw new ServingException(Code.INVALID_VALUE, "tensor element " + e.index + " is " + literal.get()
                        + ": send finite numbers", e.getCause());
            }
            throw malformed(e.getCause());
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            throw malformed(e);
        }
        if (count[0] != expected) {
            throw new ServingException(Code.WRONG_SHAPE, "'tensor' has " + count[0] + " values; the model takes "
                    + expected + " (" + model.shape() + ")");
        }
        return values;
    }

    private static void readArray(JsonReader json, float[] values, int[] count, ModelInput model) throws IOException {
        json.beginArray();
        while (true) {
            JsonToken token;
            try {
                token = json.peek();
            } catch (MalformedJsonException e) {
                throw new StoppedInTensor(count[0], e);
            }
            if (token == JsonToken.END_ARRAY) {
                break;
            }
            if (token == JsonToken.BEGIN_ARRAY) {
                readArray(json, values, count, model);
            } else if (token == JsonToken.NUMBER) {
                if (count[0] == values.length) {
                    throw new ServingException(Code.WRONG_SHAPE, "'tensor' has more than " + values.length
                            + " values; the model takes " + values.length + " (" + model.shape() + ")");
                }
                // read as text: the strict reader refuses a number beyond the double range (1e999) in nextDouble()
                values[count[0]++] = (float) Double.parseDouble(json.nextString());
            } else {
                throw new ServingException(Code.WRONG_TYPE, "tensor element " + count[0] + " is " + kind(token)
                        + ", not a number");
            }
        }
        json.endArray();
    }

    /**
     * The NaN or infinity literal at the tensor's {@code index}-th value (flattened), if that is what is there. Read
     * leniently; the values before it are numbers, which both readers read alike.
     */
    private static Optional<String> literalAt(byte[] body, int index) {
        try (JsonReader json = reader(body, Strictness.LENIENT)) {
            json.beginObject();
            while (json.hasNext()) {
                if ("tensor".equals(json.nextName())) {
                    return find(json, index, new int[] {0}).orElse(Optional.empty());
                }
                json.skipValue();
            }
        } catch (IOException | RuntimeException e) {
            // not even lenient JSON up to there: malformed, as the strict reader said
        }
        return Optional.empty();
    }

    /** Empty while the value is not reached; then the literal, or empty if the value is something else. */
    private static Optional<Optional<String>> find(JsonReader json, int index, int[] seen) throws IOException {
        json.beginArray();
        while (json.hasNext()) {
            JsonToken token = json.peek();
            if (token == JsonToken.BEGIN_ARRAY) {
                Optional<Optional<String>> found = find(json, index, seen);
                if (found.isPresent()) {
                    return found;
                }
            } else if (seen[0] == index) {
                return Optional.of(token == JsonToken.STRING ? Optional.of(json.nextString()).filter(NON_FINITE::contains)
                        : Optional.empty());
            } else {
                json.skipValue();
                seen[0]++;
            }
        }
        json.endArray();
        return Optional.empty();
    }

    private static JsonReader reader(byte[] body, Strictness strictness) {
        JsonReader json = new JsonReader(new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8));
        json.setStrictness(strictness);
        return json;
    }

    /** MALFORMED_REQUEST with the reader's message, without its advice to read leniently and its documentation link. */
    private static ServingException malformed(Throwable e) {
        String message = String.valueOf(e.getMessage())
                .replaceAll("Use JsonReader\\.setStrictness\\([^)]*\\) to accept malformed JSON\\s*", "")
                .replaceAll("\\s*See https?://\\S+", "").trim();
        return new ServingException(Code.MALFORMED_REQUEST, "not a well-formed JSON request: " + message, e);
    }

    private static String kind(JsonToken token) {
        return switch (token) {
            case STRING -> "a string";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case BEGIN_OBJECT -> "an object";
            case BEGIN_ARRAY -> "an array";
            case NUMBER -> "a number";
            default -> token.name().toLowerCase();
        };
    }

    /** The strict reader stopped at the tensor's {@code index}-th value (flattened). */
    private static final class StoppedInTensor extends RuntimeException {

        private static final long serialVersionUID = 1L;

        final int index;

        StoppedInTensor(int index, MalformedJsonException cause) {
            super(cause.getMessage(), cause, false, false);
            this.index = index;
        }
    }
}
