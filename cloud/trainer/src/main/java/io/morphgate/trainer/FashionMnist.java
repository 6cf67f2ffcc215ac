package io.morphgate.trainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

import io.morphgate.api.evaluation.LabelledImages;

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
        return read(dir, io.morphgate.evaluation.dataset.FashionMnist.Split.TRAIN, limit);
    }

    /** The 10,000 test images, or the first {@code limit} of them when limit is positive. */
    public static FashionMnist test(Path dir, int limit) {
        return read(dir, io.morphgate.evaluation.dataset.FashionMnist.Split.TEST, limit);
    }

    public int size() {
        return labels.length;
    }

    /** Reads through the gateway's own reader (bundle morphgate-evaluation) and packs the images for batching. */
    private static FashionMnist read(Path dir, io.morphgate.evaluation.dataset.FashionMnist.Split split, int limit) {
        LabelledImages data;
        try {
            data = io.morphgate.evaluation.dataset.FashionMnist.read(dir, split, limit > 0 ? limit : Integer.MAX_VALUE);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        float[] images = new float[data.size() * PIXELS];
        for (int i = 0; i < data.size(); i++) {
            float[] pixels = data.pixels().get(i);
            for (int p = 0; p < PIXELS; p++) {
                images[i * PIXELS + p] = (pixels[p] - MEAN) / STD;
            }
        }
        return new FashionMnist(images, data.labels().clone());
    }
}
