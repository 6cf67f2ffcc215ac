package io.morphgate.backbone.internal;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the calibration images shipped with the backbone: an IDX file of unsigned bytes [count][rows][columns]
 * (magic 0x00000803), the format Fashion-MNIST itself uses. Pixels are scaled to [0, 1] and normalised as in training.
 */
final class CalibrationImages {

    private static final int IDX_UBYTE_3D = 0x00000803;
    private static final int MAX_IMAGES = 4096;

    private CalibrationImages() {
    }

    static List<float[]> read(InputStream in, SlotManifest.Normalization normalization) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int magic = data.readInt();
        if (magic != IDX_UBYTE_3D) {
            throw new IOException("calibration images: not an IDX file of unsigned bytes [n][h][w] (magic 0x"
                    + Integer.toHexString(magic) + ")");
        }
        int count = data.readInt();
        int pixels = data.readInt() * data.readInt();
        if (count < 0 || count > MAX_IMAGES || pixels <= 0) {
            throw new IOException("calibration images: implausible header, " + count + " images of " + pixels + " pixels");
        }
        byte[] raw = new byte[pixels];
        List<float[]> images = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            data.readFully(raw);
            float[] image = new float[pixels];
            for (int p = 0; p < pixels; p++) {
                image[p] = ((raw[p] & 0xff) / 255f - normalization.mean()) / normalization.std();
            }
            images.add(image);
        }
        return images;
    }
}
