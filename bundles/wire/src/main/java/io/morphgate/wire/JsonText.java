package io.morphgate.wire;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonWriter;

/**
 * Compact JSON text that is always JSON: a number that is NaN or infinite, which JSON cannot carry, is written as
 * {@code null} (Gson's {@code JsonElement.toString()} would write a bare {@code NaN}).
 */
public final class JsonText {

    private static final TypeAdapter<JsonElement> ELEMENTS = new GsonBuilder().create().getAdapter(JsonElement.class);

    private JsonText() {
    }

    /** Compact JSON; a member whose value is {@code null} is written as {@code null}. */
    public static String write(JsonElement element) {
        return write(element, true);
    }

    /** Compact JSON in which members whose value is {@code null} (or NaN, infinite) are left out. */
    public static String writeWithoutNulls(JsonElement element) {
        return write(element, false);
    }

    private static String write(JsonElement element, boolean nulls) {
        StringWriter out = new StringWriter();
        try (JsonWriter writer = new FiniteJsonWriter(out)) {
            writer.setStrictness(Strictness.STRICT);
            writer.setHtmlSafe(false);
            writer.setSerializeNulls(nulls);
            ELEMENTS.write(writer, element == null ? JsonNull.INSTANCE : element);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Writes NaN and infinities as {@code null}. */
    private static final class FiniteJsonWriter extends JsonWriter {

        FiniteJsonWriter(Writer out) {
            super(out);
        }

        @Override
        public JsonWriter value(double value) throws IOException {
            return Double.isFinite(value) ? super.value(value) : nullValue();
        }

        @Override
        public JsonWriter value(float value) throws IOException {
            return Float.isFinite(value) ? super.value(value) : nullValue();
        }

        @Override
        public JsonWriter value(Number value) throws IOException {
            if ((value instanceof Double || value instanceof Float) && !Double.isFinite(value.doubleValue())) {
                return nullValue();
            }
            return super.value(value);
        }
    }
}
