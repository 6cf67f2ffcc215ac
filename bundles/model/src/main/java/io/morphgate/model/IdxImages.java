package io.morphgate.model;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Images as IDX files of unsigned bytes (the MNIST format): magic {@code 0x00000803} with dims [n][h][w] (grey), or
 * {@code 0x00000804} with [n][c][h][w] (planar channels). Reads plain or gzipped files.
 */
public final class IdxImages {

    /** One channel: [n][h][w]. */
    public static final int GREY = 0x00000803;
    /** Planar channels: [n][c][h][w]. */
    public static final int PLANAR = 0x00000804;

    /** Images of {@code channels} x {@code height} x {@code width} bytes each, planar. */
    public record Images(int channels, int height, int width, List<byte[]> images) {
    }

    private IdxImages() {
    }

    /** Reads at most {@code limit} images from a plain or gzipped file. */
    public static Images read(Path file, int limit) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            return read(gzip ? new GZIPInputStream(raw) : raw, limit, file.toString());
        }
    }

    /**
     * Reads at most {@code limit} images from {@code stream} ({@code name} says where they come from in messages).
     *
     * @throws IOException saying what is wrong: not an IDX file of images, impossible dimensions, too short
     */
    public static Images read(InputStream stream, int limit, String name) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        int magic = in.readInt();
        if (magic != GREY && magic != PLANAR) {
            throw new IOException(name + " is not an IDX file of images (magic 0x" + Integer.toHexString(magic)
                    + ", expected 0x803 [n][h][w] or 0x804 [n][c][h][w])");
        }
        int n = in.readInt();
        int channels = magic == PLANAR ? in.readInt() : 1;
        int height = in.readInt();
        int width = in.readInt();
        if (n < 0 || channels < 1 || height < 1 || width < 1 || (long) channels * height * width > 64L << 20) {
            throw new IOException(name + ": impossible IDX dimensions " + n + "x" + channels + "x" + height + "x"
                    + width);
        }
        List<byte[]> images = new ArrayList<>();
        try {
            for (int i = 0; i < Math.min(n, limit); i++) {
                byte[] image = new byte[channels * height * width];
                in.readFully(image);
                images.add(image);
            }
        } catch (EOFException e) {
            throw new IOException(name + " ends before the images its header announces", e);
        }
        return new Images(channels, height, width, images);
    }

    /** The IDX bytes: {@link #GREY} for one channel, {@link #PLANAR} for more. */
    public static byte[] write(Images images) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(images.channels() == 1 ? GREY : PLANAR);
            out.writeInt(images.images().size());
            if (images.channels() != 1) {
                out.writeInt(images.channels());
            }
            out.writeInt(images.height());
            out.writeInt(images.width());
            for (byte[] image : images.images()) {
                out.write(image);
            }
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        return bytes.toByteArray();
    }
}
