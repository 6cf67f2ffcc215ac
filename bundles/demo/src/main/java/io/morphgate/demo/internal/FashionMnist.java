package io.morphgate.demo.internal;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * The Fashion-MNIST test split as Debian's {@code dataset-fashion-mnist} installs it: gzipped IDX files of 28x28
 * grey-scale images and their labels.
 */
record FashionMnist(byte[][] images, byte[] labels, int rows, int columns) {

    static final String IMAGES = "t10k-images-idx3-ubyte.gz";
    static final String LABELS = "t10k-labels-idx1-ubyte.gz";
    private static final int IMAGE_MAGIC = 0x00000803;
    private static final int LABEL_MAGIC = 0x00000801;

    static FashionMnist read(Path directory, int limit) throws IOException {
        try (DataInputStream images = open(directory.resolve(IMAGES));
                DataInputStream labels = open(directory.resolve(LABELS))) {
            expect(images.readInt(), IMAGE_MAGIC, IMAGES);
            expect(labels.readInt(), LABEL_MAGIC, LABELS);
            int count = Math.min(images.readInt(), labels.readInt());
            int rows = images.readInt();
            int columns = images.readInt();
            int n = Math.min(count, limit);
            byte[][] pixels = new byte[n][rows * columns];
            byte[] classes = new byte[n];
            for (int i = 0; i < n; i++) {
                images.readFully(pixels[i]);
                classes[i] = labels.readByte();
            }
            return new FashionMnist(pixels, classes, rows, columns);
        }
    }

    int size() {
        return labels.length;
    }

    /** Pixel values scaled to [0, 1]. */
    float[] pixels(int index) {
        byte[] raw = images[index];
        float[] out = new float[raw.length];
        for (int i = 0; i < raw.length; i++) {
            out[i] = (raw[i] & 0xff) / 255f;
        }
        return out;
    }

    int label(int index) {
        return labels[index];
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        return new DataInputStream(new GZIPInputStream(in, 1 << 16));
    }

    private static void expect(int actual, int expected, String file) throws IOException {
        if (actual != expected) {
            throw new IOException(file + " is not an IDX file of the expected kind (magic " + Integer.toHexString(actual) + ")");
        }
    }
}
