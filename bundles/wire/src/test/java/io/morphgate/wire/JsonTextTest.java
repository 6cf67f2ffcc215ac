package io.morphgate.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;

class JsonTextTest {

    @Test
    void nanAndInfinitiesAreWrittenAsNullWhereverTheyAre() {
        JsonObject json = new JsonObject();
        json.addProperty("a", Double.NaN);
        json.addProperty("b", Double.POSITIVE_INFINITY);
        json.addProperty("c", Float.NEGATIVE_INFINITY);
        json.addProperty("d", 1.5);
        JsonArray nested = new JsonArray();
        nested.add(Double.NaN);
        json.add("e", nested);
        assertEquals("{\"a\":null,\"b\":null,\"c\":null,\"d\":1.5,\"e\":[null]}", JsonText.write(json));
        // Gson's own text would not be JSON
        assertTrue(json.toString().contains("NaN"), json.toString());
    }

    @Test
    void withoutNullsLeavesOutNullMembersAndUnknownNumbers() {
        JsonObject json = new JsonObject();
        json.add("a", JsonNull.INSTANCE);
        json.addProperty("b", Double.NaN);
        json.addProperty("c", "é <b>");
        assertEquals("{\"c\":\"é <b>\"}", JsonText.writeWithoutNulls(json));
        assertEquals("{\"a\":null,\"b\":null,\"c\":\"é <b>\"}", JsonText.write(json), "not HTML-escaped");
    }

    @Test
    void nothingIsNull() {
        assertEquals("null", JsonText.write(null));
    }
}
