package io.morphgate.serving.internal;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

import io.morphgate.api.serving.ServingException;
import io.morphgate.api.serving.ServingException.Code;

/**
 * {@code application/json}: an object whose {@code tensor} is the model input (already normalised), as a flat array
 * of C*H*W numbers or nested arrays in row-major order (e.g. [1][28][28] or [28][28]). Streamed, so a huge array is
 * refused as soon as it has one value too many rather than after it was read whole.
 */
final class TensorJsonDecoder {

    float[] decode(byte[] body, ModelInput model) {
        int expected = model.shape().elementCount();
        float[] values = new float[expected];
        int[] count = {0};
        try (JsonReader json = new JsonReader(new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8))) {
            json.setLenient(false);
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
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            throw new ServingException(Code.MALFORMED_REQUEST, "not a well-formed JSON request: " + e.getMessage(), e);
        }
        if (count[0] != expected) {
            throw new ServingException(Code.WRONG_SHAPE, "'tensor' has " + count[0] + " values; the model takes "
                    + expected + " (" + model.shape() + ")");
        }
        return values;
    }

    private static void readArray(JsonReader json, float[] values, int[] count, ModelInput model) throws IOException {
        json.beginArray();
        while (json.hasNext()) {
            JsonToken token = json.peek();
            if (token == JsonToken.BEGIN_ARRAY) {
                readArray(json, values, count, model);
            } else if (token == JsonToken.NUMBER) {
                if (count[0] == values.length) {
                    throw new ServingException(Code.WRONG_SHAPE, "'tensor' has more than " + values.length
                            + " values; the model takes " + values.length + " (" + model.shape() + ")");
                }
                values[count[0]++] = (float) json.nextDouble();
            } else {
                throw new ServingException(Code.WRONG_TYPE, "tensor element " + count[0] + " is " + kind(token)
                        + ", not a number");
            }
        }
        json.endArray();
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
}
