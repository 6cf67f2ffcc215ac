package io.morphgate.deployment.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;

import io.morphgate.api.deployment.Artifact;
import io.morphgate.api.deployment.DeploymentException;
import io.morphgate.api.deployment.DeploymentException.Code;

/**
 * Brings an artifact's bytes to a local file: http(s) downloads resumed with a Range request after a cut, file: URLs
 * inside the {@link FileSources} directories, and chunked uploads. Never keeps more than the size limit; the caller
 * verifies what it gets.
 */
final class ArtifactFetcher {

    /** Bytes received so far, and the total when known (-1 otherwise). */
    interface Progress {
        void received(long bytes, long total);
    }

    private static final System.Logger LOG = System.getLogger(ArtifactFetcher.class.getName());
    private static final int ATTEMPTS = 3;

    private final Path downloads;
    private final UploadStore uploads;
    private final FileSources files;
    private final long maxBytes;
    private final Duration timeout;
    private final HttpClient http;

    ArtifactFetcher(Path downloads, UploadStore uploads, FileSources files, long maxBytes, Duration timeout) {
        this.downloads = downloads;
        this.uploads = uploads;
        this.files = files;
        this.maxBytes = maxBytes;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(15))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /** The artifact's bytes in a file under the downloads directory (named by its expected SHA-256). */
    Path fetch(Artifact artifact, Progress progress) throws DeploymentException {
        long declared = artifact.size().orElse(-1L);
        if (declared > maxBytes) {
            throw tooLarge(declared);
        }
        URI source = artifact.source();
        String scheme = source.getScheme() == null ? "" : source.getScheme().toLowerCase(Locale.ROOT);
        try {
            Files.createDirectories(downloads);
            Path target = downloads.resolve(artifact.sha256() + ".jar");
            switch (scheme) {
                case "http", "https" -> download(source, artifact.sha256(), target, progress);
                case "file" -> copyLimited(files.resolve(source), target, progress);
                case "upload" -> uploads.assemble(source.getSchemeSpecificPart(), target, maxBytes);
                default -> throw new DeploymentException(Code.INVALID_ARGUMENT,
                        "unsupported artifact source " + source + ": use http, https, file or upload:<id>");
            }
            return target;
        } catch (IOException e) {
            throw new DeploymentException(Code.DOWNLOAD_FAILED, "cannot fetch " + source + ": " + e, e);
        }
    }

    private void download(URI source, String sha256, Path target, Progress progress)
            throws DeploymentException, IOException {
        Path part = downloads.resolve(sha256 + ".part");
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                downloadOnce(source, part, progress);
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return;
            } catch (IOException e) {
                last = e;
                LOG.log(Level.WARNING, "download of {0} cut off (attempt {1} of {2}, {3} bytes kept): {4}", source,
                        attempt, ATTEMPTS, Files.exists(part) ? Files.size(part) : 0, e.toString());
                pause(attempt);
            }
        }
        // the job fails: its partial bytes would only fill the disk (a later job downloads afresh)
        Files.deleteIfExists(part);
        throw new DeploymentException(Code.DOWNLOAD_FAILED, "download of " + source + " failed after " + ATTEMPTS
                + " attempts: " + last, last);
    }

    private void downloadOnce(URI source, Path part, Progress progress) throws DeploymentException, IOException {
        long have = Files.exists(part) ? Files.size(part) : 0;
        HttpRequest.Builder request = HttpRequest.newBuilder(source).timeout(timeout).GET();
        if (have > 0) {
            request.header("Range", "bytes=" + have + "-");
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeploymentException(Code.DOWNLOAD_FAILED, "download of " + source + " interrupted", e);
        }
        try (InputStream in = response.body()) {
            int status = response.statusCode();
            boolean resumed = status == 206 && have > 0;
            if (status == 416 && have > 0) {
                return; // the part is already complete
            }
            if (status != 200 && !resumed) {
                throw new DeploymentException(Code.DOWNLOAD_FAILED, "download of " + source + ": HTTP " + status);
            }
            if (!resumed) {
                have = 0;
            }
            long length = response.headers().firstValueAsLong("Content-Length").orElse(-1L);
            long total = length < 0 ? -1 : have + length;
            if (total > maxBytes) {
                throw tooLarge(total);
            }
            if (have > 0) {
                LOG.log(Level.INFO, "resuming {0} at byte {1}", source, have);
            }
            try (OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    resumed ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                transfer(in, out, have, total, progress);
            }
        }
    }

    /** {@code file}: a real path; a link put in its place after the check is not followed. */
    private void copyLimited(Path file, Path target, Progress progress) throws DeploymentException, IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new DeploymentException(Code.DOWNLOAD_FAILED, file + " is not a regular file");
        }
        long size = Files.size(file);
        if (size > maxBytes) {
            throw tooLarge(size);
        }
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
                OutputStream out = Files.newOutputStream(target)) {
            transfer(in, out, 0, size, progress);
        }
    }

    private void transfer(InputStream in, OutputStream out, long offset, long total, Progress progress)
            throws DeploymentException, IOException {
        byte[] buffer = new byte[64 * 1024];
        long count = offset;
        long reported = -1;
        for (int n; (n = in.read(buffer)) >= 0; ) {
            count += n;
            if (count > maxBytes) {
                throw tooLarge(count);
            }
            out.write(buffer, 0, n);
            if (count - reported >= 256 * 1024) {
                progress.received(count, total);
                reported = count;
            }
        }
        progress.received(count, total);
    }

    private DeploymentException tooLarge(long bytes) {
        return new DeploymentException(Code.PAYLOAD_TOO_LARGE, "artifact of " + bytes + " bytes or more exceeds the "
                + "limit of " + maxBytes + " bytes (maxArtifactBytes)");
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(200L * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
