package io.morphgate.serving.internal;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import io.morphgate.api.serving.ServingException;
import io.morphgate.api.serving.ServingException.Code;

/**
 * {@code image/png} and {@code image/jpeg}: decoded with javax.imageio, made grey-scale (BT.601 luminance), scaled to the
 * model's height x width when it differs (box average when shrinking, bilinear when
 * enlarging), pixels mapped to [0, 1] and normalised as in training. Light on dark, as
 * Fashion-MNIST is: the gateway does not invert. The dimensions are read from the header and checked before the
 * pixels are decoded, so a small file that would expand to a huge raster is refused cheaply.
 */
final class ImageDecoder {

    private final String format;

    /** @param format {@code png} or {@code jpeg} */
    ImageDecoder(String format) {
        this.format = format;
    }

    float[] decode(byte[] body, ModelInput model) {
        if (!hasSignature(body)) {
            throw new ServingException(Code.CORRUPT_IMAGE, "the body is not a " + format.toUpperCase() + " image (wrong signature)");
        }
        BufferedImage image = read(body, model.maxImagePixels());
        int height = model.shape().height();
        int width = model.shape().width();
        if (model.shape().channels() != 1) {
            throw new ServingException(Code.WRONG_SHAPE, "the model takes " + model.shape() + " tensors, not grey-scale images");
        }
        BufferedImage grey = toGrey(image, width, height);
        float[] values = new float[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                float pixel = grey.getRaster().getSample(x, y, 0) / 255f;
                values[y * width + x] = model.normalization().apply(pixel);
            }
        }
        return values;
    }

    private boolean hasSignature(byte[] body) {
        if (format.equals("png")) {
            return body.length >= 8 && (body[0] & 0xff) == 0x89 && body[1] == 'P' && body[2] == 'N' && body[3] == 'G';
        }
        return body.length >= 3 && (body[0] & 0xff) == 0xff && (body[1] & 0xff) == 0xd8 && (body[2] & 0xff) == 0xff;
    }

    private BufferedImage read(byte[] body, long maxPixels) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(body))) {
            Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
            if (!readers.hasNext()) {
                throw new ServingException(Code.UNSUPPORTED_MEDIA_TYPE, "this Java runtime has no " + format + " reader");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > maxPixels) {
                    throw new ServingException(Code.IMAGE_TOO_LARGE, "the image is " + reader.getWidth(0) + "x"
                            + reader.getHeight(0) + " = " + pixels + " pixels; the gateway decodes at most " + maxPixels);
                }
                BufferedImage image = reader.read(0);
                if (image == null || image.getWidth() <= 0 || image.getHeight() <= 0) {
                    throw new ServingException(Code.CORRUPT_IMAGE, "the " + format.toUpperCase() + " image has no pixels");
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ServingException s) {
                throw s;
            }
            throw new ServingException(Code.CORRUPT_IMAGE, "cannot decode the " + format.toUpperCase() + " image: " + e.getMessage(), e);
        }
    }

    private static BufferedImage toGrey(BufferedImage image, int width, int height) {
        BufferedImage grey = image;
        if (image.getType() != BufferedImage.TYPE_BYTE_GRAY) {
            grey = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < image.getHeight(); y++) {
                for (int x = 0; x < image.getWidth(); x++) {
                    int rgb = image.getRGB(x, y); // sRGB; luminance as ITU-R BT.601 weighs it
                    double luma = 0.299 * (rgb >> 16 & 0xff) + 0.587 * (rgb >> 8 & 0xff) + 0.114 * (rgb & 0xff);
                    grey.getRaster().setSample(x, y, 0, (int) Math.round(luma));
                }
            }
        }
        if (grey.getWidth() == width && grey.getHeight() == height) {
            return grey; // exact pixels: no scaling
        }
        return grey.getWidth() >= width && grey.getHeight() >= height ? shrink(grey, width, height) : enlarge(grey, width, height);
    }

    /** Box average: every source pixel counts towards the target pixel whose area holds it. */
    private static BufferedImage shrink(BufferedImage grey, int width, int height) {
        BufferedImage target = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        int sw = grey.getWidth();
        int sh = grey.getHeight();
        for (int y = 0; y < height; y++) {
            int y0 = (int) ((long) y * sh / height);
            int y1 = Math.max(y0 + 1, (int) ((long) (y + 1) * sh / height));
            for (int x = 0; x < width; x++) {
                int x0 = (int) ((long) x * sw / width);
                int x1 = Math.max(x0 + 1, (int) ((long) (x + 1) * sw / width));
                long sum = 0;
                for (int sy = y0; sy < y1; sy++) {
                    for (int sx = x0; sx < x1; sx++) {
                        sum += grey.getRaster().getSample(sx, sy, 0);
                    }
                }
                target.getRaster().setSample(x, y, 0, Math.round((float) sum / ((y1 - y0) * (x1 - x0))));
            }
        }
        return target;
    }

    private static BufferedImage enlarge(BufferedImage grey, int width, int height) {
        BufferedImage target = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = target.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(grey, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return target;
    }
}
