package io.morphgate.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OnnxModelIOTest {

    @Test
    void roundTripThroughBytesStreamAndFile(@TempDir Path dir) {
        ModelProto model = TestModels.backbone();
        assertEquals(model, OnnxModelIO.read(OnnxModelIO.write(model)));
        assertEquals(model, OnnxModelIO.read(new ByteArrayInputStream(OnnxModelIO.write(model))));
        Path file = dir.resolve("backbone.onnx");
        OnnxModelIO.write(model, file);
        OnnxModelIO.write(model, file); // overwrite in place
        assertEquals(model, OnnxModelIO.read(file));
    }

    @Test
    void garbageIsAGraphException() {
        byte[] text = "this is not an onnx model at all".getBytes(StandardCharsets.UTF_8);
        GraphException e = assertThrows(GraphException.class, () -> OnnxModelIO.read(text));
        assertTrue(e.getMessage().startsWith("not an ONNX model (32 bytes)"), e.getMessage());
        byte[] truncated = java.util.Arrays.copyOf(OnnxModelIO.write(TestModels.backbone()), 100);
        assertTrue(assertThrows(GraphException.class, () -> OnnxModelIO.read(truncated)).getMessage()
                .startsWith("not an ONNX model"));
        assertThrows(GraphException.class, () -> OnnxModelIO.read(new byte[0]));
    }

    @Test
    void garbageFileNamesThePath(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("junk.onnx"), new byte[] {(byte) 0xff, (byte) 0xff, 0x01});
        GraphException e = assertThrows(GraphException.class, () -> OnnxModelIO.read(file));
        assertTrue(e.getMessage().startsWith(file + ": not an ONNX model"), e.getMessage());
    }

    @Test
    void refusesOversizedStream() {
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 0;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return len;
            }
        };
        GraphException e = assertThrows(GraphException.class, () -> OnnxModelIO.read(endless, 1 << 20));
        assertEquals("ONNX model stream exceeds the limit of 1048576 bytes", e.getMessage());
    }
}
