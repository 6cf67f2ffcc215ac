package io.morphgate.serving.internal;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import io.morphgate.api.serving.ServingException;
import io.morphgate.api.serving.ServingException.Code;
import io.morphgate.model.Preprocessing;

/**
 * {@code image/png} and {@code image/jpeg}: decoded with javax.imageio and turned into the model's input by the
 * model's own preprocessing ({@link Preprocessing}: scaling, centre crop, grey or colour channels, normalisation).
 * Light on dark stays light on dark: the gateway does not invert. The dimensions are read from the header and checked
 * before the pixels are decoded, so a small file that would expand to a huge raster is refused cheaply.
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
        return Preprocessing.toTensor(read(body, model.maxImagePixels()), model.input());
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
}
