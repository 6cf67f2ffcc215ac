package io.morphgate.model.packaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.morphgate.model.IdxImages;
import io.morphgate.api.model.ModelDescriptor.ChannelOrder;
import io.morphgate.api.model.ModelDescriptor.Input;

class CalibrationImagesTest {

    private static final Input RGB_8X8 = new Input("x", 3, 8, 8, 8, ChannelOrder.RGB, List.of(0.5, 0.5, 0.5),
            List.of(0.2, 0.2, 0.2));

    @TempDir
    Path dir;

    @Test
    void aFolderGivesItsImagesSortedByPathAtTheInputSizeInTheModelsChannelOrder() throws Exception {
        // 16x12 images: resize 8 scales the shorter side (12) to 8, i.e. 11x8, then the centre crop takes 8x8
        png(dir.resolve("b/second.png"), new Color(200, 100, 50));
        png(dir.resolve("a/first.png"), new Color(10, 20, 30));
        png(dir.resolve("c/third.png"), new Color(1, 2, 3));
        Files.writeString(dir.resolve("a/readme.txt"), "not an image");

        IdxImages.Images rgb = CalibrationImages.read(dir, 2, RGB_8X8).images();
        assertEquals(2, rgb.images().size(), "--calibration-count 2 takes the first two by path");
        assertEquals(3, rgb.channels());
        assertEquals(8, rgb.height());
        assertEquals(8, rgb.width());
        assertPlanes(rgb.images().get(0), 10, 20, 30);
        assertPlanes(rgb.images().get(1), 200, 100, 50);

        Input bgr = new Input("x", 3, 8, 8, 8, ChannelOrder.BGR, RGB_8X8.mean(), RGB_8X8.std());
        assertPlanes(CalibrationImages.read(dir, 2, bgr).images().images().get(1), 50, 100, 200);
    }

    @Test
    void aCropKeepsTheCentre() throws Exception {
        // 24x8: left third red, middle green, right blue; scaled to 24x8 (shorter side already 8), cropped to the middle
        BufferedImage image = new BufferedImage(24, 8, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, 8, 8);
        g.setColor(Color.GREEN);
        g.fillRect(8, 0, 8, 8);
        g.setColor(Color.BLUE);
        g.fillRect(16, 0, 8, 8);
        g.dispose();
        Files.createDirectories(dir.resolve("wide"));
        ImageIO.write(image, "png", dir.resolve("wide/stripes.png").toFile());
        assertPlanes(CalibrationImages.read(dir, 64, RGB_8X8).images().images().get(0), 0, 255, 0);
    }

    @Test
    void greyIdxImagesAreScaledAndRepeatedInEachChannelOfAColourModel() throws Exception {
        byte[] image = new byte[16 * 16];
        Arrays.fill(image, (byte) 180);
        Path idx = dir.resolve("images.idx.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(idx))) {
            out.write(IdxImages.write(new IdxImages.Images(1, 16, 16, List.of(image, image, image))));
        }
        CalibrationImages.Calibration c = CalibrationImages.read(idx, 64, RGB_8X8);
        assertEquals(3, c.images().images().size());
        assertPlanes(c.images().images().get(2), 180, 180, 180);
        assertTrue(c.source().startsWith("3 grey image(s) of 16x16"), c.source());
    }

    @Test
    void theIdxHeaderIsGreyForOneChannelAndPlanarForThree() throws IOException {
        byte[] grey = IdxImages.write(new IdxImages.Images(1, 2, 3, List.of(new byte[6])));
        assertArrayEquals(new byte[] {0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3}, Arrays.copyOf(grey, 16));
        byte[] colour = IdxImages.write(new IdxImages.Images(3, 2, 3, List.of(new byte[18], new byte[18])));
        assertArrayEquals(new byte[] {0, 0, 8, 4, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 3},
                Arrays.copyOf(colour, 20));
        assertEquals(20 + 36, colour.length);
    }

    @Test
    void aCountOutsideOneTo4096IsRefused() {
        PackagingException e = org.junit.jupiter.api.Assertions.assertThrows(PackagingException.class,
                () -> CalibrationImages.read(dir, 4097, RGB_8X8));
        assertEquals("--calibration-count must be from 1 to 4096, not 4097", e.getMessage());
    }

    private static void png(Path file, Color colour) throws IOException {
        BufferedImage image = new BufferedImage(16, 12, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(colour);
        g.fillRect(0, 0, 16, 12);
        g.dispose();
        Files.createDirectories(file.getParent());
        ImageIO.write(image, "png", file.toFile());
    }

    private static void assertPlanes(byte[] image, int... planeValues) {
        int plane = image.length / planeValues.length;
        for (int c = 0; c < planeValues.length; c++) {
            for (int i = 0; i < plane; i++) {
                assertEquals(planeValues[c], image[c * plane + i] & 0xff, "channel " + c + " pixel " + i);
            }
        }
    }
}
