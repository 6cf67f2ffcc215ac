package io.morphgate.serving.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import io.morphgate.api.serving.ServingException;
import io.morphgate.api.serving.ServingException.Code;

/** {@code application/octet-stream}: the model input as C*H*W little-endian IEEE-754 float32 values, row-major. */
final class TensorBinaryDecoder {

    float[] decode(byte[] body, ModelInput model) {
        int expected = model.shape().elementCount();
        if (body.length != expected * Float.BYTES) {
            throw new ServingException(Code.WRONG_SHAPE, "the body has " + body.length + " bytes; the model takes "
                    + expected + " float32 values (" + model.shape() + ") = " + expected * Float.BYTES + " bytes");
        }
        float[] values = new float[expected];
        ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }
}
