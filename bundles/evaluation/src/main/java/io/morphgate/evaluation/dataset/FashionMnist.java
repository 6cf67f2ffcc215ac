package io.morphgate.evaluation.dataset;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

import io.morphgate.api.evaluation.LabelledImages;

/**
 * Fashion-MNIST as Debian's {@code dataset-fashion-mnist} installs it: gzipped IDX files of 28x28 grey-scale images
 * (magic 0x803) and their labels (magic 0x801).
 */
public final class FashionMnist {

    /** Where Debian's package puts the files. */
    public static final Path DEBIAN_DIRECTORY = Path.of("/usr/share/datasets/fashion-mnist");

    /** The two splits of the data set. */
    public enum Split {
        TRAIN("train"), TEST("t10k");

        private final String prefix;

        Split(String prefix) {
            this.prefix = prefix;
        }
    }

    private static final int IMAGES_MAGIC = 0x00000803;
    private static final int LABELS_MAGIC = 0x00000801;

    private FashionMnist() {
    }

    /** The first {@code limit} images of a split (all of them when limit exceeds the split). */
    public static LabelledImages read(Path directory, Split split, int limit) throws IOException {
        Path imagesFile = directory.resolve(split.prefix + "-images-idx3-ubyte.gz");
        Path labelsFile = directory.resolve(split.prefix + "-labels-idx1-ubyte.gz");
        if (!Files.isRegularFile(imagesFile) || !Files.isRegularFile(labelsFile)) {
            throw new IOException("Fashion-MNIST not found in " + directory
                    + " (install Debian's dataset-fashion-mnist, or point to a folder with the IDX files)");
        }
        try (DataInputStream images = open(imagesFile); DataInputStream labels = open(labelsFile)) {
            expect(images.readInt(), IMAGES_MAGIC, imagesFile);
            expect(labels.readInt(), LABELS_MAGIC, labelsFile);
            int count = images.readInt();
            int labelCount = labels.readInt();
            if (count != labelCount) {
                throw new IOException(imagesFile + " has " + count + " images but " + labelsFile + " has "
                        + labelCount + " labels");
            }
            int rows = images.readInt();
            int columns = images.readInt();
            int n = Math.min(count, Math.max(0, limit));
            byte[] raw = new byte[rows * columns];
            List<float[]> pixels = new ArrayList<>(n);
            int[] classes = new int[n];
            for (int i = 0; i < n; i++) {
                images.readFully(raw);
                float[] image = new float[raw.length];
                for (int p = 0; p < raw.length; p++) {
                    image[p] = (raw[p] & 0xff) / 255f;
                }
                pixels.add(image);
                classes[i] = labels.readUnsignedByte();
            }
            return new LabelledImages(pixels, classes, rows, columns);
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        return new DataInputStream(new BufferedInputStream(new GZIPInputStream(Files.newInputStream(file), 1 << 16)));
    }

    private static void expect(int actual, int expected, Path file) throws IOException {
        if (actual != expected) {
            throw new IOException(file + " is not the IDX file expected (magic 0x" + Integer.toHexString(actual)
                    + ", expected 0x" + Integer.toHexString(expected) + ")");
        }
    }
}
