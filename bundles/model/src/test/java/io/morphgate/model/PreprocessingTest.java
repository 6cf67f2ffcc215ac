package io.morphgate.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.morphgate.api.model.ModelDescriptor.ChannelOrder;
import io.morphgate.api.model.ModelDescriptor.Input;

class PreprocessingTest {

    private static final Input GREY = new Input("x", 1, 2, 2, 0, ChannelOrder.RGB, List.of(0.5), List.of(0.5));

    @Test
    void greyImageAtModelSizeIsNormalisedPixelByPixel() {
        BufferedImage image = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0x000000);
        image.setRGB(1, 0, 0xffffff);
        image.setRGB(0, 1, 0x808080);
        image.setRGB(1, 1, 0xff0000); // BT.601: 0.299 * 255 = 76.245 -> 76
        float[] t = Preprocessing.toTensor(image, GREY);
        assertArrayEquals(new float[] {-1f, 1f, (128 / 255f - 0.5f) / 0.5f, (76 / 255f - 0.5f) / 0.5f}, t, 1e-6f);
    }

    @Test
    void colourChannelsArePlanarInTheModelsOrderWithTheirOwnMeanAndStd() {
        Input rgb = new Input("x", 3, 1, 1, 0, ChannelOrder.RGB, List.of(0.0, 0.5, 1.0), List.of(1.0, 0.5, 0.25));
        Input bgr = new Input("x", 3, 1, 1, 0, ChannelOrder.BGR, List.of(0.0, 0.0, 0.0), List.of(1.0, 1.0, 1.0));
        BufferedImage image = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0xff0000); // pure red
        assertArrayEquals(new float[] {1f, -1f, -4f}, Preprocessing.toTensor(image, rgb), 1e-6f);
        assertArrayEquals(new float[] {0f, 0f, 1f}, Preprocessing.toTensor(image, bgr), 1e-6f);
    }

    @Test
    void shrinkingAveragesBoxesAndResizeThenCropsTheCentre() {
        // 4x2 image: left half black, right half white; shorter side 2 -> resize 2 keeps 4x2, crop 2x2 takes the
        // centre columns 1 and 2: black then white
        Input crop = new Input("x", 1, 2, 2, 2, ChannelOrder.RGB, List.of(0.0), List.of(1.0));
        BufferedImage image = new BufferedImage(4, 2, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 4; x++) {
                image.setRGB(x, y, x < 2 ? 0 : 0xffffff);
            }
        }
        assertArrayEquals(new float[] {0f, 1f, 0f, 1f}, Preprocessing.toTensor(image, crop), 1e-6f);
        // scaled straight to 2x2 (resize 0): each target pixel averages a 2x1 box
        Input squash = new Input("x", 1, 2, 2, 0, ChannelOrder.RGB, List.of(0.0), List.of(1.0));
        assertArrayEquals(new float[] {0f, 1f, 0f, 1f}, Preprocessing.toTensor(image, squash), 1e-6f);
        Input squashToOne = new Input("x", 1, 1, 1, 0, ChannelOrder.RGB, List.of(0.0), List.of(1.0));
        assertEquals(128 / 255f, Preprocessing.toTensor(image, squashToOne)[0], 1e-6f);
    }

    @Test
    void greyImageSamplesAreTakenWithoutAGammaCurveAndFillEveryChannelOfAColourModel() {
        BufferedImage grey = new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(0, 0, 0, 48);
        assertEquals((48 / 255f - 0.5f) / 0.5f, Preprocessing.toTensor(grey, new Input("x", 1, 1, 1, 0,
                ChannelOrder.RGB, List.of(0.5), List.of(0.5)))[0], 1e-6f);
        Input colour = new Input("x", 3, 1, 1, 0, ChannelOrder.RGB, List.of(0.0, 0.0, 0.0), List.of(1.0, 1.0, 1.0));
        assertArrayEquals(new float[] {48 / 255f, 48 / 255f, 48 / 255f}, Preprocessing.toTensor(grey, colour), 1e-6f);
    }

    @Test
    void planarBytesGoThroughTheSameRule() {
        byte[] planar = {0, (byte) 255, (byte) 128, 76};
        BufferedImage image = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0);
        image.setRGB(1, 0, 0xffffff);
        image.setRGB(0, 1, 0x808080);
        image.setRGB(1, 1, 0x4c4c4c);
        assertArrayEquals(Preprocessing.toTensor(image, GREY), Preprocessing.fromBytes(planar, 2, 2, GREY), 1e-6f);
    }
}
