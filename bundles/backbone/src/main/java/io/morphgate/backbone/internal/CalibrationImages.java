package io.morphgate.backbone.internal;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import io.morphgate.api.model.ModelDescriptor;
import io.morphgate.model.Preprocessing;

/**
 * Reads the calibration images a model bundle ships: an IDX file of unsigned bytes, [count][rows][columns] for grey
 * models (magic 0x00000803, the format Fashion-MNIST itself uses) or [count][channels][rows][columns] for colour
 * ones (magic 0x00000804), channels in the model's order. Each image becomes a model input through the model's
 * {@link Preprocessing}.
 */
final class CalibrationImages {

    private static final int IDX_UBYTE_3D = 0x00000803;
    private static final int IDX_UBYTE_4D = 0x00000804;
    private static final int MAX_IMAGES = 4096;

    private CalibrationImages() {
    }

    static List<float[]> read(InputStream in, ModelDescriptor.Input input) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int magic = data.readInt();
        if (magic != IDX_UBYTE_3D && magic != IDX_UBYTE_4D) {
            throw new IOException("calibration images: not an IDX file of unsigned bytes [n][h][w] or [n][c][h][w]"
                    + " (magic 0x" + Integer.toHexString(magic) + ")");
        }
        int count = data.readInt();
        int channels = magic == IDX_UBYTE_4D ? data.readInt() : 1;
        int height = data.readInt();
        int width = data.readInt();
        if (count < 0 || count > MAX_IMAGES || height <= 0 || width <= 0 || height > 4096 || width > 4096) {
            throw new IOException("calibration images: implausible header, " + count + " images of " + height + "x"
                    + width);
        }
        if (channels != input.channels()) {
            throw new IOException("calibration images have " + channels + " channel(s); the model takes "
                    + input.channels());
        }
        byte[] raw = new byte[channels * height * width];
        List<float[]> images = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            data.readFully(raw);
            images.add(Preprocessing.fromBytes(raw, width, height, input));
        }
        return images;
    }
}
