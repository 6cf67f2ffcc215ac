package io.morphgate.trainer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.morphgate.api.evaluation.LabelledImages;
import io.morphgate.api.model.ModelDescriptor;
import io.morphgate.model.ModelDescriptors;
import io.morphgate.model.Preprocessing;

/**
 * Fashion-MNIST as the Debian package {@code dataset-fashion-mnist} ships it (gzipped IDX), turned into model inputs
 * by the gateway's own rule ({@link Preprocessing}) with the model's descriptor, so the model trains on what it will
 * see in the field.
 *
 * @param background the model input of a black pixel (what shifted images are padded with)
 */
public record FashionMnist(float[] images, int[] labels, float background) {

    public static final int PIXELS = 28 * 28;
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /** The 60,000 training images, or the first {@code limit} of them when limit is positive. */
    public static FashionMnist train(Path dir, int limit, ModelDescriptor.Input input) {
        return read(dir, io.morphgate.evaluation.dataset.FashionMnist.Split.TRAIN, limit, input);
    }

    /** The 10,000 test images, or the first {@code limit} of them when limit is positive. */
    public static FashionMnist test(Path dir, int limit, ModelDescriptor.Input input) {
        return read(dir, io.morphgate.evaluation.dataset.FashionMnist.Split.TEST, limit, input);
    }

    /** The input of the Fashion-MNIST model whose files are in {@code modelDir} (its {@code model.json}). */
    public static ModelDescriptor.Input input(Path modelDir) {
        try (InputStream in = Files.newInputStream(modelDir.resolve("model.json"))) {
            return ModelDescriptors.read(in).input();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model descriptor in " + modelDir + ": " + e.getMessage(), e);
        }
    }

    public int size() {
        return labels.length;
    }

    /** Reads through the gateway's own reader (bundle morphgate-evaluation) and packs the images for batching. */
    private static FashionMnist read(Path dir, io.morphgate.evaluation.dataset.FashionMnist.Split split, int limit,
            ModelDescriptor.Input input) {
        LabelledImages data;
        try {
            data = io.morphgate.evaluation.dataset.FashionMnist.read(dir, split, limit > 0 ? limit : Integer.MAX_VALUE);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        float[] images = new float[data.size() * PIXELS];
        for (int i = 0; i < data.size(); i++) {
            float[] x = Preprocessing.fromGreyUnit(data.pixels().get(i), 28, 28, input);
            System.arraycopy(x, 0, images, i * PIXELS, PIXELS);
        }
        return new FashionMnist(images, data.labels().clone(),
                Preprocessing.fromGreyUnit(new float[PIXELS], 28, 28, input)[0]);
    }
}
