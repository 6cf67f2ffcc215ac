package io.morphgate.itests;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import javax.imageio.ImageIO;

import io.morphgate.api.inference.InferenceService;
import io.morphgate.model.Preprocessing;

/** Request bodies for the serving tests: Fashion-MNIST pixels as PNG, JPEG, JSON and float32 tensors. */
final class ServingInputs {

    private ServingInputs() {
    }

    /** A grey-scale image of {@code width} pixels per row, values in [0, 1] rounded to bytes. */
    static BufferedImage grey(float[] pixels, int width) {
        int height = pixels.length / width;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.getRaster().setSample(x, y, 0, Math.round(pixels[y * width + x] * 255));
            }
        }
        return image;
    }

    static byte[] encode(BufferedImage image, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A 28x28 grey test image as the serving model takes it, by the model's own preprocessing. */
    static float[] normalised(float[] pixels, InferenceService inference) {
        return Preprocessing.fromGreyUnit(pixels, 28, 28, inference.model().orElseThrow().input());
    }

    static byte[] json(float[] tensor) {
        StringBuilder s = new StringBuilder("{\"tensor\":[");
        for (int i = 0; i < tensor.length; i++) {
            s.append(i == 0 ? "" : ",").append(tensor[i]);
        }
        return s.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] float32(float[] tensor) {
        ByteBuffer buffer = ByteBuffer.allocate(tensor.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : tensor) {
            buffer.putFloat(v);
        }
        return buffer.array();
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
