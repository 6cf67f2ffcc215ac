package io.morphgate.evaluation.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.morphgate.api.evaluation.LabelledImages;

/** Reads the real files of Debian's dataset-fashion-mnist (installed by .ci/run). */
class FashionMnistTest {

    @Test
    void readsTheFirstTestImagesAndTheirLabels() throws IOException {
        LabelledImages images = FashionMnist.read(FashionMnist.DEBIAN_DIRECTORY, FashionMnist.Split.TEST, 10);
        assertEquals(10, images.size());
        assertEquals(28, images.height());
        assertEquals(28, images.width());
        // the first ten labels of the t10k split: ankle boot, pullover, trouser, trouser, shirt, ...
        assertArrayEquals(new int[] {9, 2, 1, 1, 6, 1, 4, 6, 5, 7}, images.labels());
        float sum = 0;
        float max = 0;
        for (float p : images.pixels().get(0)) {
            sum += p;
            max = Math.max(max, p);
        }
        assertEquals(33456 / 255f, sum, 1e-2f);
        assertEquals(1f, max, 0f);
    }

    @Test
    void theWholeTestSplitHasTenThousandImages() throws IOException {
        assertEquals(10_000, FashionMnist.read(FashionMnist.DEBIAN_DIRECTORY, FashionMnist.Split.TEST, 20_000).size());
    }

    @Test
    void aMissingFolderSaysWhatToInstall(@TempDir Path empty) {
        IOException e = assertThrows(IOException.class, () -> FashionMnist.read(empty, FashionMnist.Split.TEST, 1));
        assertTrue(e.getMessage().contains("dataset-fashion-mnist"), e.getMessage());
    }

    @Test
    void aFileOfTheWrongKindIsRefused(@TempDir Path dir) throws IOException {
        Files.copy(FashionMnist.DEBIAN_DIRECTORY.resolve("t10k-labels-idx1-ubyte.gz"),
                dir.resolve("t10k-images-idx3-ubyte.gz"));
        Files.copy(FashionMnist.DEBIAN_DIRECTORY.resolve("t10k-labels-idx1-ubyte.gz"),
                dir.resolve("t10k-labels-idx1-ubyte.gz"));
        IOException e = assertThrows(IOException.class, () -> FashionMnist.read(dir, FashionMnist.Split.TEST, 1));
        assertTrue(e.getMessage().contains("magic"), e.getMessage());
    }
}
