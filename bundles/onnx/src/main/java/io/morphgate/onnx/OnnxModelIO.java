package io.morphgate.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.google.protobuf.InvalidProtocolBufferException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Reads and writes ONNX model files. Reading refuses inputs over {@link #MAX_BYTES} (a gateway must not be knocked
 * over by a bad download) and anything that does not parse as a model with an IR version and a graph. I/O failures
 * surface as {@link UncheckedIOException}, format problems as {@link GraphException}.
 */
public final class OnnxModelIO {
    /** 256 MB: protobuf's own message limit is 2 GB, far beyond what a gateway model should be. */
    public static final long MAX_BYTES = 256L * 1024 * 1024;

    private OnnxModelIO() {
    }

    public static ModelProto read(byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw new GraphException("ONNX model of " + bytes.length + " bytes exceeds the limit of " + MAX_BYTES);
        }
        ModelProto model;
        try {
            model = ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new GraphException("not an ONNX model (" + bytes.length + " bytes): " + e.getMessage(), e);
        }
        // Arbitrary bytes sometimes parse as a message of unknown fields; a real model always has these two.
        if (model.getIrVersion() <= 0 || !model.hasGraph()) {
            throw new GraphException("not an ONNX model (" + bytes.length + " bytes): "
                    + (model.getIrVersion() <= 0 ? "no IR version" : "no graph"));
        }
        return model;
    }

    public static ModelProto read(InputStream in) {
        return read(in, MAX_BYTES);
    }

    /** Reads at most {@code limit} bytes; package-private so tests can exercise the limit cheaply. */
    static ModelProto read(InputStream in, long limit) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = in.read(buf)) > 0; ) {
                total += n;
                if (total > limit) {
                    throw new GraphException("ONNX model stream exceeds the limit of " + limit + " bytes");
                }
                out.write(buf, 0, n);
            }
            return read(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ONNX model: " + e.getMessage(), e);
        }
    }

    public static ModelProto read(Path path) {
        try {
            long size = Files.size(path);
            if (size > MAX_BYTES) {
                throw new GraphException(path + ": " + size + " bytes exceeds the limit of " + MAX_BYTES);
            }
            return read(Files.readAllBytes(path));
        } catch (GraphException e) {
            throw new GraphException(path + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ONNX model " + path + ": " + e.getMessage(), e);
        }
    }

    public static byte[] write(ModelProto model) {
        return model.toByteArray();
    }

    /** Writes atomically where the file system allows: a temporary file beside the target, then a move. */
    public static void write(ModelProto model, Path path) {
        try {
            Path dir = path.toAbsolutePath().getParent();
            Path tmp = Files.createTempFile(dir, path.getFileName().toString(), ".tmp");
            try {
                Files.write(tmp, model.toByteArray());
                try {
                    Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write ONNX model " + path + ": " + e.getMessage(), e);
        }
    }
}
