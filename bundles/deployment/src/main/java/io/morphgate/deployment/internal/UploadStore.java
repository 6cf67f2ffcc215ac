package io.morphgate.deployment.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Pattern;

import io.morphgate.api.deployment.DeploymentException;
import io.morphgate.api.deployment.DeploymentException.Code;

/** Chunks of a jar sent inline, stored as {@code uploads/<id>/<index>.chunk}, assembled when all are present. */
final class UploadStore {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final int MAX_CHUNKS = 100_000;

    private final Path root;
    private final long maxBytes;

    UploadStore(Path root, long maxBytes) {
        this.root = root;
        this.maxBytes = maxBytes;
    }

    synchronized void store(String uploadId, int index, int count, byte[] bytes) throws DeploymentException {
        Path dir = directory(uploadId);
        if (count < 1 || count > MAX_CHUNKS || index < 0 || index >= count || bytes == null) {
            throw new DeploymentException(Code.INVALID_ARGUMENT, "chunk " + index + " of " + count
                    + " of upload " + uploadId + " is out of range");
        }
        try {
            Files.createDirectories(dir);
            Path countFile = dir.resolve("count");
            if (Files.exists(countFile) && Integer.parseInt(Files.readString(countFile).trim()) != count) {
                throw new DeploymentException(Code.INVALID_ARGUMENT, "upload " + uploadId + " was started with "
                        + Files.readString(countFile).trim() + " chunks, not " + count);
            }
            if (storedBytes(dir) + bytes.length > maxBytes) {
                throw new DeploymentException(Code.PAYLOAD_TOO_LARGE, "upload " + uploadId + " exceeds the limit of "
                        + maxBytes + " bytes (maxArtifactBytes)");
            }
            Files.writeString(countFile, Integer.toString(count));
            Path tmp = dir.resolve(index + ".tmp");
            Files.write(tmp, bytes);
            Files.move(tmp, dir.resolve(index + ".chunk"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new DeploymentException(Code.INTERNAL, "cannot store chunk " + index + " of upload " + uploadId
                    + ": " + e, e);
        }
    }

    /** Concatenates all chunks of {@code uploadId} into {@code target}; fails naming the first missing chunk. */
    synchronized void assemble(String uploadId, Path target, long limit) throws DeploymentException, IOException {
        Path dir = directory(uploadId);
        Path countFile = dir.resolve("count");
        if (!Files.exists(countFile)) {
            throw new DeploymentException(Code.DOWNLOAD_FAILED, "no upload " + uploadId + " on this gateway");
        }
        int count = Integer.parseInt(Files.readString(countFile).trim());
        for (int i = 0; i < count; i++) {
            if (!Files.exists(dir.resolve(i + ".chunk"))) {
                throw new DeploymentException(Code.DOWNLOAD_FAILED, "upload " + uploadId + " is incomplete: chunk "
                        + i + " of " + count + " is missing");
            }
        }
        if (storedBytes(dir) > limit) {
            throw new DeploymentException(Code.PAYLOAD_TOO_LARGE, "upload " + uploadId + " exceeds the limit of "
                    + limit + " bytes (maxArtifactBytes)");
        }
        try (OutputStream out = Files.newOutputStream(target)) {
            for (int i = 0; i < count; i++) {
                Files.copy(dir.resolve(i + ".chunk"), out);
            }
        }
    }

    /** Removes an upload's chunks once its job has ended. */
    synchronized void discard(String uploadId) throws IOException {
        if (!ID.matcher(uploadId).matches() || !Files.isDirectory(root.resolve(uploadId))) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(root.resolve(uploadId))) {
            for (Path f : files) {
                Files.delete(f);
            }
        }
        Files.delete(root.resolve(uploadId));
    }

    private Path directory(String uploadId) throws DeploymentException {
        if (uploadId == null || !ID.matcher(uploadId).matches()) {
            throw new DeploymentException(Code.INVALID_ARGUMENT, "upload id must be 1 to 64 of [A-Za-z0-9._-]: "
                    + uploadId);
        }
        return root.resolve(uploadId);
    }

    private static long storedBytes(Path dir) throws IOException {
        long total = 0;
        try (DirectoryStream<Path> chunks = Files.newDirectoryStream(dir, "*.chunk")) {
            for (Path c : chunks) {
                total += Files.size(c);
            }
        }
        return total;
    }
}
