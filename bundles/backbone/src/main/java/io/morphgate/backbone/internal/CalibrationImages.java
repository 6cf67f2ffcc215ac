package io.morphgate.backbone.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import io.morphgate.api.model.ModelDescriptor;
import io.morphgate.model.IdxImages;
import io.morphgate.model.Preprocessing;

/**
 * Reads the calibration images a model bundle ships ({@link IdxImages}: grey [n][h][w] or planar colour
 * [n][c][h][w], channels in the model's order); each image becomes a model input through the model's
 * {@link Preprocessing}.
 */
final class CalibrationImages {

    private static final int MAX_IMAGES = 4096;

    private CalibrationImages() {
    }

    static List<float[]> read(InputStream in, ModelDescriptor.Input input, String name) throws IOException {
        IdxImages.Images idx = IdxImages.read(in, MAX_IMAGES, name);
        if (idx.channels() != input.channels()) {
            throw new IOException("calibration images have " + idx.channels() + " channel(s); the model takes "
                    + input.channels());
        }
        List<float[]> images = new ArrayList<>(idx.images().size());
        for (byte[] raw : idx.images()) {
            images.add(Preprocessing.fromBytes(raw, idx.width(), idx.height(), input));
        }
        return images;
    }
}
