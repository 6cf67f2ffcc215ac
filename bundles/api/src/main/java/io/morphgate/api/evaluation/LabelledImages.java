package io.morphgate.api.evaluation;

import java.util.List;

/**
 * Grey-scale images with their class labels, pixels scaled to [0, 1] (not yet normalised for the model).
 *
 * @param pixels one row-major height*width array per image
 * @param labels the class index of each image
 * @param height rows per image
 * @param width  columns per image
 */
public record LabelledImages(List<float[]> pixels, int[] labels, int height, int width) {

    public LabelledImages {
        if (pixels.size() != labels.length) {
            throw new IllegalArgumentException(pixels.size() + " images but " + labels.length + " labels");
        }
        pixels = List.copyOf(pixels);
    }

    public int size() {
        return labels.length;
    }
}
