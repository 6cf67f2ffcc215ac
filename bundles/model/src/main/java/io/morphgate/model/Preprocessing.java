package io.morphgate.model;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.util.Arrays;

import io.morphgate.api.model.ModelDescriptor.ChannelOrder;
import io.morphgate.api.model.ModelDescriptor.Input;

/**
 * The one rule that turns an image into a model input, as the model's descriptor says (see
 * {@link io.morphgate.api.model.ModelDescriptor.Input}): the serving decoders, the calibration images, the evaluator,
 * the demo, the console's packager and the trainer all call it, so a model sees in the field what it saw in training.
 *
 * <p>Scaling: the image is scaled so that its shorter side is {@code resize} (or straight to height x width when
 * {@code resize} is 0), by box average when a side shrinks and bilinearly (pixel centres aligned) when it grows, each
 * result rounded to 8 bits as image libraries do; then it is centre-cropped. One channel is BT.601 luminance.
 */
public final class Preprocessing {

    private Preprocessing() {
    }

    /**
     * The model input for an image, C x H x W, row-major. A grey image's samples are taken as they are (Java's RGB
     * view of a grey image would apply a gamma curve); a grey image for a colour model gives each channel its value.
     */
    public static float[] toTensor(BufferedImage image, Input input) {
        int w = image.getWidth();
        int h = image.getHeight();
        int planes = input.channels();
        if (image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
            Raster raster = image.getRaster();
            double top = (1L << image.getColorModel().getComponentSize(0)) - 1;
            float[] grey = new float[w * h];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    grey[y * w + x] = (float) Math.round(raster.getSample(x, y, 0) * 255 / top);
                }
            }
            float[][] pixels = new float[planes][];
            Arrays.fill(pixels, grey);
            return fromPlanes(pixels, w, h, input);
        }
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        float[][] pixels = new float[planes][w * h];
        for (int i = 0; i < argb.length; i++) {
            int r = argb[i] >> 16 & 0xff;
            int g = argb[i] >> 8 & 0xff;
            int b = argb[i] & 0xff;
            if (planes == 1) {
                pixels[0][i] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
            } else if (input.channelOrder() == ChannelOrder.BGR) {
                pixels[0][i] = b;
                pixels[1][i] = g;
                pixels[2][i] = r;
            } else {
                pixels[0][i] = r;
                pixels[1][i] = g;
                pixels[2][i] = b;
            }
        }
        return fromPlanes(pixels, w, h, input);
    }

    /**
     * The model input for 8-bit pixels already laid out as planes (C x H x W, channels in the model's order), e.g.
     * calibration images or IDX test images; scaled and cropped like any image if their size differs.
     */
    public static float[] fromBytes(byte[] planar, int width, int height, Input input) {
        int planes = input.channels();
        if (planar.length != planes * width * height) {
            throw new IllegalArgumentException(planar.length + " bytes are not " + planes + "x" + height + "x" + width);
        }
        float[][] pixels = new float[planes][width * height];
        for (int c = 0; c < planes; c++) {
            for (int i = 0; i < width * height; i++) {
                pixels[c][i] = planar[c * width * height + i] & 0xff;
            }
        }
        return fromPlanes(pixels, width, height, input);
    }

    /**
     * The model input for grey pixels in [0, 1], row-major {@code height x width} (e.g. a labelled test set): taken
     * as an 8-bit grey image, so a colour model sees the grey value in each channel, as it would for a grey PNG.
     */
    public static float[] fromGreyUnit(float[] pixels, int width, int height, Input input) {
        if (pixels.length != width * height) {
            throw new IllegalArgumentException(pixels.length + " pixels are not " + height + "x" + width);
        }
        float[] grey = new float[pixels.length];
        for (int i = 0; i < grey.length; i++) {
            grey[i] = Math.round(Math.min(1f, Math.max(0f, pixels[i])) * 255f);
        }
        float[][] planes = new float[input.channels()][];
        Arrays.fill(planes, grey);
        return fromPlanes(planes, width, height, input);
    }

    /** The size an image of {@code width} x {@code height} is scaled to before the crop: {width, height}. */
    public static int[] scaledSize(int width, int height, Input input) {
        if (input.resize() == 0) {
            return new int[] {input.width(), input.height()};
        }
        if (width <= height) {
            return new int[] {input.resize(), Math.max(input.height(), (int) Math.round((double) height * input.resize() / width))};
        }
        return new int[] {Math.max(input.width(), (int) Math.round((double) width * input.resize() / height)), input.resize()};
    }

    private static float[] fromPlanes(float[][] pixels, int w, int h, Input input) {
        int[] size = scaledSize(w, h, input);
        int sw = Math.max(size[0], input.width());
        int sh = Math.max(size[1], input.height());
        int left = (sw - input.width()) / 2;
        int top = (sh - input.height()) / 2;
        int area = input.width() * input.height();
        float[] tensor = new float[input.channels() * area];
        for (int c = 0; c < input.channels(); c++) {
            float[] scaled = sw == w && sh == h ? pixels[c] : scale(pixels[c], w, h, sw, sh);
            float mean = input.mean().get(c).floatValue();
            float std = input.std().get(c).floatValue();
            for (int y = 0; y < input.height(); y++) {
                for (int x = 0; x < input.width(); x++) {
                    float value = scaled[(y + top) * sw + x + left] / 255f;
                    tensor[c * area + y * input.width() + x] = (value - mean) / std;
                }
            }
        }
        return tensor;
    }

    private static float[] scale(float[] plane, int w, int h, int tw, int th) {
        float[] rows = tw <= w ? shrinkX(plane, w, h, tw) : growX(plane, w, h, tw);
        float[] transposed = transpose(rows, tw, h);
        float[] cols = th <= h ? shrinkX(transposed, h, tw, th) : growX(transposed, h, tw, th);
        float[] result = transpose(cols, th, tw);
        for (int i = 0; i < result.length; i++) {
            result[i] = Math.round(Math.min(255f, Math.max(0f, result[i])));
        }
        return result;
    }

    /** Box average along x: every source pixel counts towards the target pixel whose span holds it. */
    private static float[] shrinkX(float[] plane, int w, int h, int tw) {
        float[] out = new float[tw * h];
        for (int x = 0; x < tw; x++) {
            int x0 = (int) ((long) x * w / tw);
            int x1 = Math.max(x0 + 1, (int) ((long) (x + 1) * w / tw));
            for (int y = 0; y < h; y++) {
                float sum = 0;
                for (int sx = x0; sx < x1; sx++) {
                    sum += plane[y * w + sx];
                }
                out[y * tw + x] = sum / (x1 - x0);
            }
        }
        return out;
    }

    /** Linear interpolation along x with pixel centres aligned, edges clamped. */
    private static float[] growX(float[] plane, int w, int h, int tw) {
        float[] out = new float[tw * h];
        double ratio = (double) w / tw;
        for (int x = 0; x < tw; x++) {
            double source = Math.max(0, (x + 0.5) * ratio - 0.5);
            int x0 = Math.min((int) source, w - 1);
            int x1 = Math.min(x0 + 1, w - 1);
            float t = (float) (source - x0);
            for (int y = 0; y < h; y++) {
                out[y * tw + x] = plane[y * w + x0] * (1 - t) + plane[y * w + x1] * t;
            }
        }
        return out;
    }

    private static float[] transpose(float[] plane, int w, int h) {
        float[] out = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out[x * h + y] = plane[y * w + x];
            }
        }
        return out;
    }
}
