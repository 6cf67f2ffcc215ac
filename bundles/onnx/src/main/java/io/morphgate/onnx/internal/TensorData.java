package io.morphgate.onnx.internal;

import ai.onnx.proto.OnnxMl.TensorProto;
import io.morphgate.onnx.GraphException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

/** Initializer contents: element counts, consistency of the stored data with the dims, float extraction. */
public final class TensorData {
    /** Refuse initializers beyond this: 64M floats is 256 MB, far above any gateway model. */
    public static final long MAX_ELEMENTS = 64L * 1024 * 1024;

    private TensorData() {
    }

    public static long[] dims(TensorProto t) {
        long[] d = new long[t.getDimsCount()];
        for (int i = 0; i < d.length; i++) {
            d[i] = t.getDims(i);
        }
        return d;
    }

    /** Element count from the dims; rejects negative dims and tensors over {@link #MAX_ELEMENTS}. */
    public static long elementCount(TensorProto t) {
        return elementCount(t, initializer(t));
    }

    /** As {@link #elementCount(TensorProto)}; messages name the tensor as {@code what}. */
    public static long elementCount(TensorProto t, String what) {
        long n = 1;
        for (long d : dims(t)) {
            if (d < 0) {
                throw new GraphException(what + " has a negative dimension: "
                        + Arrays.toString(dims(t)));
            }
            // d alone may be near Long.MAX_VALUE: test before multiplying, or the product wraps to a small count
            if (d > MAX_ELEMENTS || (n *= d) > MAX_ELEMENTS) {
                throw new GraphException(what + " has more than " + MAX_ELEMENTS
                        + " elements: " + Arrays.toString(dims(t)));
            }
        }
        return n;
    }

    /**
     * Verifies the stored data matches the dims: raw_data of count*elementSize bytes, or the typed field with count
     * entries. Only FLOAT and INT64 are accepted (the ops this bundle supports need nothing else).
     */
    public static void checkConsistent(TensorProto t) {
        checkConsistent(t, initializer(t));
    }

    /** As {@link #checkConsistent(TensorProto)}; messages name the tensor as {@code what}. */
    public static void checkConsistent(TensorProto t, String what) {
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw new GraphException(what + " uses external data, which is not supported");
        }
        long count = elementCount(t, what);
        int type = t.getDataType();
        long elementSize;
        long typedCount;
        if (type == TensorProto.DataType.FLOAT_VALUE) {
            elementSize = 4;
            typedCount = t.getFloatDataCount();
        } else if (type == TensorProto.DataType.INT64_VALUE) {
            elementSize = 8;
            typedCount = t.getInt64DataCount();
        } else {
            throw new GraphException(what + " has data type " + type
                    + "; only FLOAT (1) and INT64 (7) are supported");
        }
        if (!t.getRawData().isEmpty()) {
            if (t.getRawData().size() != count * elementSize) {
                throw new GraphException(what + " has " + t.getRawData().size()
                        + " bytes of raw_data but dims " + Arrays.toString(dims(t)) + " need " + count * elementSize);
            }
        } else if (typedCount != count) {
            if (typedCount == 0 && count > 0) {
                throw new GraphException(what + " has no data (dims "
                        + Arrays.toString(dims(t)) + ")");
            }
            throw new GraphException(what + " has " + typedCount
                    + " values but dims " + Arrays.toString(dims(t)) + " need " + count);
        }
    }

    /** The float contents of a FLOAT tensor (raw_data little-endian, or float_data). */
    public static float[] floats(TensorProto t) {
        return floats(t, initializer(t));
    }

    /** As {@link #floats(TensorProto)}; messages name the tensor as {@code what}. */
    public static float[] floats(TensorProto t, String what) {
        checkConsistent(t, what);
        if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
            throw new GraphException(what + " is not FLOAT");
        }
        int count = (int) elementCount(t, what);
        float[] out = new float[count];
        if (!t.getRawData().isEmpty()) {
            FloatBuffer fb = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            fb.get(out);
        } else {
            for (int i = 0; i < count; i++) {
                out[i] = t.getFloatData(i);
            }
        }
        return out;
    }

    /** A FLOAT initializer with little-endian raw_data, the compact form ONNX Runtime loads fastest. */
    public static TensorProto floatTensor(String name, long[] dims, float[] data) {
        long count = 1;
        for (long d : dims) {
            count *= d;
        }
        if (count != data.length) {
            throw new IllegalArgumentException("tensor " + name + ": dims " + Arrays.toString(dims) + " need "
                    + count + " values, got " + data.length);
        }
        ByteBuffer buf = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(data);
        TensorProto.Builder b = TensorProto.newBuilder().setName(name)
                .setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(com.google.protobuf.ByteString.copyFrom(buf.array()));
        for (long d : dims) {
            b.addDims(d);
        }
        return b.build();
    }

    private static String initializer(TensorProto t) {
        return "initializer " + t.getName();
    }
}
