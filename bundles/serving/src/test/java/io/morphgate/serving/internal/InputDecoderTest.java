package io.morphgate.serving.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

import io.morphgate.api.model.ModelDescriptor;
import io.morphgate.api.serving.ServingException;
import io.morphgate.api.serving.ServingException.Code;

class InputDecoderTest {

    private static final ModelInput MODEL = new ModelInput(new ModelDescriptor.Input("image", 1, 28, 28, 0,
            ModelDescriptor.ChannelOrder.RGB, List.of(0.25), List.of(0.5)), 1_000_000);
    private final InputDecoder decoder = new InputDecoder();

    @Test
    void jsonTensorFlatOrNested() {
        float[] flat = decoder.decode("application/json; charset=utf-8", json(784, false), MODEL);
        float[] nested = decoder.decode("application/json", json(784, true), MODEL);
        assertEquals(784, flat.length);
        assertEquals(783f / 1000, flat[783], 1e-6);
        assertArrayEquals(flat, nested);
    }

    @Test
    void jsonErrorsAreSpecific() {
        assertEquals(Code.WRONG_SHAPE, code("application/json", json(783, false)));
        assertEquals(Code.WRONG_SHAPE, code("application/json", json(785, true)));
        assertEquals(Code.WRONG_TYPE, code("application/json", "{\"tensor\":[1,\"two\",3]}".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Code.WRONG_TYPE, code("application/json", "{\"tensor\":\"abc\"}".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Code.MALFORMED_REQUEST, code("application/json", "{\"tensor\":[1,2".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Code.MALFORMED_REQUEST, code("application/json", "{\"pixels\":[]}".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Code.UNSUPPORTED_MEDIA_TYPE, code("text/plain", json(784, false)));
        assertEquals(Code.UNSUPPORTED_MEDIA_TYPE, code(null, json(784, false)));
    }

    @Test
    void binaryLittleEndianFloat32() {
        ByteBuffer buffer = ByteBuffer.allocate(784 * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 784; i++) {
            buffer.putFloat(i * 0.5f);
        }
        float[] values = decoder.decode("application/octet-stream", buffer.array(), MODEL);
        assertEquals(391.5f, values[783]);
        assertEquals(Code.WRONG_SHAPE, code("application/octet-stream", Arrays.copyOf(buffer.array(), 784 * 4 - 1)));
        buffer.putFloat(8, Float.NaN);
        assertEquals(Code.INVALID_VALUE, code("application/octet-stream", buffer.array()));
    }

    @Test
    void greyPngOfTheModelSizeKeepsItsPixelsExactly() throws IOException {
        BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                image.getRaster().setSample(x, y, 0, (x * 9 + y) % 256);
            }
        }
        float[] values = decoder.decode("image/png", encode(image, "png"), MODEL);
        assertEquals(normalised(((5 * 9 + 3) % 256) / 255f), values[3 * 28 + 5], 1e-6);
    }

    @Test
    void colourJpegOfAnotherSizeIsScaledAndMadeGrey() throws IOException {
        BufferedImage image = new BufferedImage(56, 56, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 56; y++) {
            for (int x = 0; x < 56; x++) {
                image.setRGB(x, y, 0xffffff);
            }
        }
        float[] values = decoder.decode("image/jpeg", encode(image, "jpeg"), MODEL);
        assertEquals(784, values.length);
        assertEquals(normalised(1f), values[400], 0.05);
    }

    @Test
    void corruptHugeOrMislabelledImagesAreRefused() throws IOException {
        byte[] png = encode(new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY), "png");
        assertEquals(Code.CORRUPT_IMAGE, code("image/png", Arrays.copyOf(png, png.length / 2)));
        assertEquals(Code.CORRUPT_IMAGE, code("image/jpeg", png));
        assertEquals(Code.CORRUPT_IMAGE, code("image/png", "not an image".getBytes(StandardCharsets.UTF_8)));
        byte[] big = encode(new BufferedImage(1001, 1000, BufferedImage.TYPE_BYTE_GRAY), "png");
        assertEquals(Code.IMAGE_TOO_LARGE, code("image/png", big));
    }

    @Test
    void colourModelTakesAColourPngInItsChannelOrderAndShape() throws IOException {
        ModelInput colour = new ModelInput(new ModelDescriptor.Input("input", 3, 8, 8, 0,
                ModelDescriptor.ChannelOrder.RGB, List.of(0.0, 0.0, 0.0), List.of(1.0, 1.0, 1.0)), 1_000_000);
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                image.setRGB(x, y, 0x00ff00); // green
            }
        }
        float[] values = decoder.decode("image/png", encode(image, "png"), colour);
        assertEquals(3 * 8 * 8, values.length);
        assertEquals(0f, values[0], 1e-6); // red plane
        assertEquals(1f, values[64], 1e-6); // green plane
        assertEquals(0f, values[128], 1e-6); // blue plane
        assertEquals(Code.WRONG_SHAPE, assertThrows(ServingException.class,
                () -> decoder.decode("application/json", json(784, false), colour)).code());
    }

    private static float normalised(float pixel) {
        return (pixel - 0.25f) / 0.5f;
    }

    private Code code(String mediaType, byte[] body) {
        return assertThrows(ServingException.class, () -> decoder.decode(mediaType, body, MODEL)).code();
    }

    private static byte[] json(int n, boolean nested) {
        StringBuilder s = new StringBuilder("{\"id\":\"x\",\"tensor\":[");
        for (int i = 0; i < n; i++) {
            if (nested && i % 28 == 0) {
                s.append(i == 0 ? "[" : "],[");
            } else if (i > 0) {
                s.append(',');
            }
            s.append(i / 1000.0);
        }
        s.append(nested ? "]]}" : "]}");
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, format, out);
        return out.toByteArray();
    }
}
