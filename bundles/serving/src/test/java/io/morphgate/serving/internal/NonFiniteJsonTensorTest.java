package io.morphgate.serving.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.morphgate.api.model.ModelDescriptor;
import io.morphgate.api.serving.ServingException;
import io.morphgate.api.serving.ServingException.Code;

/** NaN or infinity in a JSON tensor is INVALID_VALUE (422), as docs/protocol.md says, not a malformed request. */
class NonFiniteJsonTensorTest {

    private static final ModelInput MODEL = new ModelInput(new ModelDescriptor.Input("image", 1, 28, 28, 0,
            ModelDescriptor.ChannelOrder.RGB, List.of(0.25), List.of(0.5)), 1_000_000);
    private final InputDecoder decoder = new InputDecoder();

    @Test
    void nanAndInfinityLiteralsAreInvalidValuesAtTheirIndex() {
        for (String literal : new String[] {"NaN", "Infinity", "-Infinity"}) {
            ServingException e = refused(tensor(5, literal, false));
            assertEquals(Code.INVALID_VALUE, e.code(), e.getMessage());
            assertEquals("tensor element 5 is " + literal + ": send finite numbers", e.reason());
        }
        // nested rows: the index is the flattened one
        ServingException nested = refused(tensor(30, "NaN", true));
        assertEquals(Code.INVALID_VALUE, nested.code(), nested.getMessage());
        assertTrue(nested.reason().startsWith("tensor element 30 is NaN"), nested.reason());
        // the first value
        assertEquals(Code.INVALID_VALUE, refused(tensor(0, "Infinity", false)).code());
    }

    @Test
    void aNumberBeyondTheRangeIsAnInvalidValue() {
        assertEquals(Code.INVALID_VALUE, refused(tensor(7, "1e999", false)).code());
        assertEquals(Code.INVALID_VALUE, refused(tensor(7, "-1e999", true)).code());
        assertEquals(Code.INVALID_VALUE, refused(tensor(7, "1e39", false)).code(), "beyond the float range");
    }

    @Test
    void otherMalformedInputStaysMalformedAndTheMessageHasNoLibraryAdvice() {
        ServingException bare = refused(tensor(3, "nope", false));
        assertEquals(Code.MALFORMED_REQUEST, bare.code());
        assertFalse(bare.reason().contains("setStrictness"), bare.reason());
        assertFalse(bare.reason().contains("http"), bare.reason());
        assertEquals(Code.MALFORMED_REQUEST, refused(tensor(3, "NaNa", false)).code());
        assertEquals(Code.MALFORMED_REQUEST, refused("{\"tensor\":[1,,2]}").code());
        assertEquals(Code.MALFORMED_REQUEST, refused("{\"tensor\":[1 NaN]}").code());
        // a NaN outside the tensor is not a tensor value: the request is not JSON
        assertEquals(Code.MALFORMED_REQUEST, refused("{\"scale\":NaN,\"tensor\":[1]}").code());
        // a string "NaN" is a string
        assertEquals(Code.WRONG_TYPE, refused(tensor(3, "\"NaN\"", false)).code());
    }

    private ServingException refused(String body) {
        return assertThrows(ServingException.class,
                () -> decoder.decode("application/json", body.getBytes(StandardCharsets.UTF_8), MODEL));
    }

    /** 784 zeros, with {@code value} written as is at {@code index}; nested as 28 rows of 28 when asked. */
    private static String tensor(int index, String value, boolean nested) {
        StringBuilder s = new StringBuilder("{\"tensor\":[");
        for (int i = 0; i < 784; i++) {
            if (nested && i % 28 == 0) {
                s.append(i == 0 ? "[" : "],[");
            } else if (i > 0) {
                s.append(',');
            }
            s.append(i == index ? value : "0.0");
        }
        s.append(nested ? "]]}" : "]}");
        return s.toString();
    }
}
