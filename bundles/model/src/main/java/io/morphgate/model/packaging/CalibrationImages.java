package io.morphgate.model.packaging;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import io.morphgate.api.model.ModelDescriptor.Input;
import io.morphgate.model.IdxImages;
import io.morphgate.model.Preprocessing;

/**
 * The calibration images a model bundle carries: 8-bit pixels at the model's input height x width, planar, channels
 * in the model's order, NOT normalised (the gateway applies mean and std with {@link Preprocessing#fromBytes}). The
 * geometry (resize of the shorter side, centre crop) is {@link Preprocessing}'s own, so the images are what the
 * gateway would make of the same pictures.
 *
 * <p>From a folder: its PNG and JPEG files, recursively, sorted by path, the first {@code count}. From an IDX file
 * (plain or gzipped, e.g. Debian's Fashion-MNIST): its first {@code count} images, taken as grey (a colour model gets
 * the grey plane in each channel) unless the file holds planar images with the model's channel count.
 */
public final class CalibrationImages {

    /** The most images a model bundle may carry. */
    public static final int MAX_COUNT = 4096;

    private CalibrationImages() {
    }

    /** A description of where they came from, for the report, and the images. */
    public record Calibration(String source, IdxImages.Images images) {
    }

    public static Calibration read(Path source, int count, Input input) throws PackagingException {
        if (count < 1 || count > MAX_COUNT) {
            throw new PackagingException("--calibration-count must be from 1 to " + MAX_COUNT + ", not " + count);
        }
        if (Files.isDirectory(source)) {
            return fromFolder(source, count, input);
        }
        if (!Files.isRegularFile(source)) {
            throw new PackagingException("no such calibration folder or IDX file: " + source);
        }
        return fromIdx(source, count, input);
    }

    private static Calibration fromFolder(Path folder, int count, Input input) throws PackagingException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(folder)) {
            files = walk.filter(Files::isRegularFile).filter(CalibrationImages::isImage).sorted().limit(count)
                    .toList();
        } catch (IOException e) {
            throw new PackagingException("cannot list calibration folder " + folder + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new PackagingException("calibration folder " + folder + " holds no PNG or JPEG file");
        }
        Input geometry = geometryOnly(input, input.channels());
        List<byte[]> images = new ArrayList<>();
        for (Path file : files) {
            images.add(toBytes(Preprocessing.toTensor(decode(file), geometry)));
        }
        return new Calibration(files.size() + " image(s) from folder " + folder, images(input, images));
    }

    private static Calibration fromIdx(Path file, int count, Input input) throws PackagingException {
        IdxImages.Images idx;
        try {
            idx = IdxImages.read(file, count);
        } catch (IOException e) {
            throw new PackagingException("calibration images: " + e.getMessage(), e);
        }
        if (idx.images().isEmpty()) {
            throw new PackagingException("calibration file " + file + " holds no image");
        }
        boolean planarAsModel = idx.channels() == input.channels();
        if (!planarAsModel && idx.channels() != 1) {
            throw new PackagingException("calibration file " + file + " holds " + idx.channels()
                    + "-channel images; the model takes " + input.channels());
        }
        Input geometry = geometryOnly(input, idx.channels());
        List<byte[]> images = new ArrayList<>();
        for (byte[] image : idx.images()) {
            byte[] scaled = toBytes(Preprocessing.fromBytes(image, idx.width(), idx.height(), geometry));
            images.add(planarAsModel ? scaled : repeat(scaled, input.channels()));
        }
        return new Calibration(images.size() + " " + (idx.channels() == 1 ? "grey " : "") + "image(s) of "
                + idx.height() + "x" + idx.width() + " from " + file, images(input, images));
    }

    private static boolean isImage(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg");
    }

    private static BufferedImage decode(Path file) throws PackagingException {
        try {
            BufferedImage image = ImageIO.read(file.toFile());
            if (image == null) {
                throw new PackagingException("calibration image " + file + " is not a PNG or JPEG this JVM can decode");
            }
            return image;
        } catch (IOException e) {
            throw new PackagingException("calibration image " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** The model's geometry with mean 0 and std 1: Preprocessing then yields pixel / 255, which we turn back. */
    private static Input geometryOnly(Input input, int channels) {
        List<Double> zeros = Collections.nCopies(channels, 0.0);
        List<Double> ones = Collections.nCopies(channels, 1.0);
        return new Input(input.tensor(), channels, input.height(), input.width(), input.resize(),
                input.channelOrder(), zeros, ones);
    }

    /** Preprocessing rounds scaled pixels to 8 bits, so pixel / 255 maps back exactly. */
    private static byte[] toBytes(float[] unitPixels) {
        byte[] bytes = new byte[unitPixels.length];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Math.round(unitPixels[i] * 255f);
        }
        return bytes;
    }

    private static byte[] repeat(byte[] plane, int channels) {
        byte[] planes = new byte[plane.length * channels];
        for (int c = 0; c < channels; c++) {
            System.arraycopy(plane, 0, planes, c * plane.length, plane.length);
        }
        return planes;
    }

    private static IdxImages.Images images(Input input, List<byte[]> images) {
        return new IdxImages.Images(input.channels(), input.height(), input.width(), images);
    }
}
