package io.morphgate.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Random;

/**
 * Mini-batches of a data set in a seeded, per-epoch shuffled order, with optional light augmentation (horizontal
 * flip, random shift by up to {@code shift} pixels with zero-pixel padding, as a random crop of a padded image does).
 */
final class Batches {

    private final FashionMnist data;
    private final int batchSize;
    private final boolean augment;
    private final int shift;
    private final Random random;
    private final float background;
    private int[] order;
    private int next;

    Batches(FashionMnist data, int batchSize, boolean augment, int shift, long seed) {
        this.data = data;
        this.batchSize = batchSize;
        this.augment = augment;
        this.shift = shift;
        this.random = new Random(seed);
        this.background = data.background();
        reshuffle();
    }

    /** Batches per epoch (the last partial batch is dropped, so BN never sees a tiny batch). */
    int perEpoch() {
        return Math.max(1, data.size() / batchSize);
    }

    /** The next batch as {images [B,1,28,28], labels [B]}; a new shuffled epoch starts when one is used up. */
    NDArray[] next(NDManager manager) {
        int b = Math.min(batchSize, data.size());
        if (next + b > order.length) {
            reshuffle();
        }
        float[] images = new float[b * FashionMnist.PIXELS];
        float[] labels = new float[b];
        for (int i = 0; i < b; i++) {
            int index = order[next++];
            copy(index, images, i * FashionMnist.PIXELS);
            labels[i] = data.labels()[index];
        }
        return new NDArray[] {manager.create(images, new Shape(b, 1, 28, 28)), manager.create(labels)};
    }

    private void copy(int index, float[] to, int offset) {
        int from = index * FashionMnist.PIXELS;
        if (!augment) {
            System.arraycopy(data.images(), from, to, offset, FashionMnist.PIXELS);
            return;
        }
        boolean flip = random.nextBoolean();
        int dy = random.nextInt(2 * shift + 1) - shift;
        int dx = random.nextInt(2 * shift + 1) - shift;
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                int sy = y + dy;
                int sx = (flip ? 27 - x : x) + dx;
                to[offset + y * 28 + x] = sy < 0 || sy > 27 || sx < 0 || sx > 27 ? background
                        : data.images()[from + sy * 28 + sx];
            }
        }
    }

    private void reshuffle() {
        order = new int[data.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        next = 0;
    }
}
