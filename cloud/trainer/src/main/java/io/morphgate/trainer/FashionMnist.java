package io.morphgate.trainer;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Fashion-MNIST as the Debian package {@code dataset-fashion-mnist} ships it (gzipped IDX), normalised the way the
 * gateway normalises its input: {@code (pixel / 255 - mean) / std}.
 */
public record FashionMnist(float[] images, int[] labels) {

    public static final int PIXELS = 28 * 28;
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    public static final float MEAN = 0.2860f;
    public static final float STD = 0.3530f;

    /** The 60,000 training images, or the first {@code limit} of them when limit is positive. */
    public static FashionMnist train(Path dir, int limit) {
        return read(dir, "train", limit);
    }

    /** The 10,000 test images, or the first {@code limit} of them when limit is positive. */
    public static FashionMnist test(Path dir, int limit) {
        return read(dir, "t10k", limit);
    }

    public int size() {
        return labels.length;
    }

    private static FashionMnist read(Path dir, String split, int limit) {
        byte[] pixels = idx(dir.resolve(split + "-images-idx3-ubyte.gz"), 2051);
        byte[] labelBytes = idx(dir.resolve(split + "-labels-idx1-ubyte.gz"), 2049);
        int n = labelBytes.length;
        if (pixels.length != n * PIXELS) {
            throw new IllegalStateException(split + ": " + pixels.length + " pixels for " + n + " labels in " + dir);
        }
        if (limit > 0) {
            n = Math.min(n, limit);
        }
        float[] images = new float[n * PIXELS];
        for (int i = 0; i < images.length; i++) {
            images[i] = ((pixels[i] & 0xff) / 255f - MEAN) / STD;
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = labelBytes[i];
        }
        return new FashionMnist(images, labels);
    }

    /** The payload of a gzipped IDX file after its header (magic number and dimensions). */
    private static byte[] idx(Path file, int magic) {
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new GZIPInputStream(raw, 1 << 16))) {
            int found = in.readInt();
            if (found != magic) {
                throw new IllegalStateException(file + ": IDX magic " + found + ", expected " + magic
                        + " (is the Debian package dataset-fashion-mnist installed?)");
            }
            long count = 1;
            for (int d = 0; d < (magic & 0xff); d++) {
                count *= in.readInt();
            }
            byte[] data = new byte[Math.toIntExact(count)];
            in.readFully(data);
            return data;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file
                    + " (is the Debian package dataset-fashion-mnist installed?)", e);
        }
    }
}
