package io.morphgate.deployment.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.morphgate.api.deployment.Artifact;
import io.morphgate.api.deployment.DeploymentException;
import io.morphgate.api.deployment.DeploymentException.Code;

class ArtifactFetcherTest {

    private static final String SHA = "a".repeat(64);

    @TempDir
    Path dir;

    private HttpServer server;
    private final byte[] body = new byte[300_000];
    private final AtomicInteger requests = new AtomicInteger();
    private final List<String> ranges = new CopyOnWriteArrayList<>();

    @BeforeEach
    void serve() throws IOException {
        new Random(7).nextBytes(body);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/cut.jar", this::cutOnce);
        server.createContext("/always-cut.jar", ex -> {
            ex.sendResponseHeaders(200, body.length);
            OutputStream out = ex.getResponseBody();
            out.write(body, 0, 1000);
            out.flush();
            ex.close();
        });
        server.createContext("/big.jar", ex -> {
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    /** The first response stops halfway through and drops the connection; later ones honour Range. */
    private void cutOnce(HttpExchange ex) throws IOException {
        String range = ex.getRequestHeaders().getFirst("Range");
        ranges.add(String.valueOf(range));
        if (requests.getAndIncrement() == 0) {
            ex.sendResponseHeaders(200, body.length);
            OutputStream out = ex.getResponseBody();
            out.write(body, 0, body.length / 2);
            out.flush();
            ex.close();
            return;
        }
        int from = range == null ? 0 : Integer.parseInt(range.replaceAll("bytes=(\\d+)-", "$1"));
        ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
        ex.sendResponseHeaders(range == null ? 200 : 206, body.length - from);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body, from, body.length - from);
        }
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private ArtifactFetcher fetcher(long max) {
        return fetcher(max, new FileSources(List.of(dir.resolve("data"))));
    }

    private ArtifactFetcher fetcher(long max, FileSources files) {
        return new ArtifactFetcher(dir.resolve("downloads"), new UploadStore(dir.resolve("uploads"), max), files, max,
                Duration.ofSeconds(10));
    }

    /** The directories of a gateway whose framework property morphgate.data.dir is {@code dir/data}. */
    private FileSources gatewayFileSources(String... configured) throws IOException {
        Path deployerData = Files.createDirectories(dir.resolve("data/deployment"));
        BundleContext context = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {BundleContext.class}, (p, m, a) -> switch (m.getName()) {
                    case "getProperty" -> "morphgate.data.dir".equals(a[0]) ? dir.resolve("data").toString() : null;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        return DataDirectories.fileSources(context, deployerData, configured);
    }

    private Path write(String path) throws IOException {
        Path file = dir.resolve(path);
        Files.createDirectories(file.getParent());
        return Files.write(file, body);
    }

    /** The failure of fetching {@code source}, which must not have read a byte of it. */
    private DeploymentException refused(ArtifactFetcher fetcher, URI source) throws IOException {
        Path copy = dir.resolve("downloads").resolve(SHA + ".jar");
        Files.deleteIfExists(copy);
        List<Long> progress = new CopyOnWriteArrayList<>();
        DeploymentException e = assertThrows(DeploymentException.class,
                () -> fetcher.fetch(artifact(source, Optional.empty()), (n, t) -> progress.add(n)));
        assertEquals(List.of(), progress, "bytes were read from " + source);
        assertFalse(Files.exists(copy), "a copy was made of " + source);
        return e;
    }

    private static Artifact artifact(URI source, Optional<Long> size) {
        return new Artifact(source, SHA, Optional.empty(), Optional.empty(), size);
    }

    @Test
    void resumesACutDownloadWithARangeRequest() throws Exception {
        List<Long> progress = new CopyOnWriteArrayList<>();
        Path file = fetcher(1 << 20).fetch(artifact(url("/cut.jar"), Optional.empty()), (n, total) -> progress.add(n));
        assertArrayEquals(body, Files.readAllBytes(file));
        assertEquals(2, requests.get());
        assertEquals("null", ranges.get(0));
        assertTrue(ranges.get(1).matches("bytes=[1-9]\\d*-"), "second request resumes: " + ranges.get(1));
        assertEquals(body.length, progress.get(progress.size() - 1));
        assertTrue(Files.notExists(dir.resolve("downloads").resolve(SHA + ".part")));
    }

    @Test
    void aDownloadThatKeepsFailingLeavesNoPartialFileBehind() throws Exception {
        DeploymentException e = assertThrows(DeploymentException.class,
                () -> fetcher(1 << 20).fetch(artifact(url("/always-cut.jar"), Optional.empty()), (n, t) -> { }));
        assertEquals(Code.DOWNLOAD_FAILED, e.code());
        try (var files = Files.list(dir.resolve("downloads"))) {
            assertEquals(List.of(), files.toList(), "a failed job's partial bytes would only fill the disk");
        }
    }

    @Test
    void refusesWhatIsTooLargeBeforeAndWhileDownloading() {
        DeploymentException declared = assertThrows(DeploymentException.class,
                () -> fetcher(1000).fetch(artifact(url("/big.jar"), Optional.of(5000L)), (n, t) -> { }));
        assertEquals(Code.PAYLOAD_TOO_LARGE, declared.code());
        assertEquals(0, requests.get());
        DeploymentException streamed = assertThrows(DeploymentException.class,
                () -> fetcher(1000).fetch(artifact(url("/big.jar"), Optional.empty()), (n, t) -> { }));
        assertEquals(Code.PAYLOAD_TOO_LARGE, streamed.code());
    }

    @Test
    void copiesFileUrlsWithinTheLimit() throws Exception {
        Path source = write("data/local.jar");
        Path file = fetcher(1 << 20).fetch(artifact(source.toUri(), Optional.empty()), (n, t) -> { });
        assertArrayEquals(body, Files.readAllBytes(file));
        assertEquals(Code.PAYLOAD_TOO_LARGE, assertThrows(DeploymentException.class,
                () -> fetcher(10).fetch(artifact(source.toUri(), Optional.empty()), (n, t) -> { })).code());
    }

    @Test
    void readsFileUrlsInTheGatewaysDataDirectoryAndTheDeployersUploads() throws Exception {
        ArtifactFetcher fetcher = fetcher(1 << 20, gatewayFileSources());
        Path inData = write("data/jars/op.jar");
        assertArrayEquals(body, Files.readAllBytes(fetcher.fetch(artifact(inData.toUri(), Optional.empty()),
                (n, t) -> { })));
        Path inUploads = write("data/deployment/uploads/u1/0.chunk");
        assertArrayEquals(body, Files.readAllBytes(fetcher.fetch(artifact(inUploads.toUri(), Optional.empty()),
                (n, t) -> { })));
    }

    @Test
    void refusesFileUrlsOutsideTheAllowedDirectoriesBeforeReadingThem() throws Exception {
        ArtifactFetcher fetcher = fetcher(1 << 20, gatewayFileSources());
        Path outside = write("outside/secret.jar");
        DeploymentException e = refused(fetcher, outside.toUri());
        assertEquals(Code.SOURCE_NOT_ALLOWED, e.code());
        assertTrue(e.getMessage().contains("allowedFileDirectories") && e.getMessage().contains("upload"),
                e.getMessage());
        DeploymentException missing = refused(fetcher, dir.resolve("outside/no-such.jar").toUri());
        assertEquals(Code.SOURCE_NOT_ALLOWED, missing.code(), "a missing file outside looks like one that exists");
        assertEquals(Code.SOURCE_NOT_ALLOWED, refused(fetcher, URI.create("file:///etc/passwd")).code());
        assertEquals(Code.DOWNLOAD_FAILED, refused(fetcher, dir.resolve("data/no-such.jar").toUri()).code(),
                "inside, a missing file is said to be missing");
    }

    @Test
    void refusesDotDotAndSymbolicLinksThatLeadOutOfTheAllowedDirectories() throws Exception {
        ArtifactFetcher fetcher = fetcher(1 << 20, gatewayFileSources());
        Path outside = write("outside/secret.jar");
        Path data = dir.resolve("data");
        URI dotDot = URI.create("file://" + data + "/../outside/secret.jar");
        assertEquals(Code.SOURCE_NOT_ALLOWED, refused(fetcher, dotDot).code());
        URI dotDotMissing = URI.create("file://" + data + "/../outside/no-such.jar");
        assertEquals(Code.SOURCE_NOT_ALLOWED, refused(fetcher, dotDotMissing).code());
        Path fileLink = Files.createSymbolicLink(data.resolve("link.jar"), outside);
        assertEquals(Code.SOURCE_NOT_ALLOWED, refused(fetcher, fileLink.toUri()).code());
        Path dirLink = Files.createSymbolicLink(data.resolve("linked"), outside.getParent());
        assertEquals(Code.SOURCE_NOT_ALLOWED, refused(fetcher, dirLink.resolve("secret.jar").toUri()).code());
        assertEquals(Code.SOURCE_NOT_ALLOWED, refused(fetcher, dirLink.resolve("no-such.jar").toUri()).code());

        // links and .. that stay inside are fine: it is where the file really is that counts
        Path inside = write("data/jars/op.jar");
        Path innerLink = Files.createSymbolicLink(data.resolve("current.jar"), inside);
        assertArrayEquals(body, Files.readAllBytes(fetcher.fetch(artifact(innerLink.toUri(), Optional.empty()),
                (n, t) -> { })));
        URI innerDotDot = URI.create("file://" + data + "/jars/../jars/op.jar");
        assertArrayEquals(body, Files.readAllBytes(fetcher.fetch(artifact(innerDotDot, Optional.empty()),
                (n, t) -> { })));
    }

    @Test
    void readsAConfiguredDirectoryOnlyWhenItIsConfigured() throws Exception {
        Path jar = write("repository/op.jar");
        assertEquals(Code.SOURCE_NOT_ALLOWED, refused(fetcher(1 << 20, gatewayFileSources()), jar.toUri()).code(),
                "off by default");
        ArtifactFetcher fetcher = fetcher(1 << 20, gatewayFileSources(dir.resolve("repository").toString()));
        assertArrayEquals(body, Files.readAllBytes(fetcher.fetch(artifact(jar.toUri(), Optional.empty()),
                (n, t) -> { })));
        assertEquals(Code.SOURCE_NOT_ALLOWED, refused(fetcher, write("repository-2/op.jar").toUri()).code(),
                "a sibling whose name starts the same is another directory");
    }

    @Test
    void refusesFileUrlsThatNameNoAbsolutePath() throws Exception {
        ArtifactFetcher fetcher = fetcher(1 << 20, gatewayFileSources());
        assertEquals(Code.INVALID_ARGUMENT, refused(fetcher, URI.create("file:relative.jar")).code());
        assertEquals(Code.INVALID_ARGUMENT, refused(fetcher, URI.create("file://remote-host/op.jar")).code());
    }

    @Test
    void assemblesUploadsOnlyWhenEveryChunkIsThere() throws Exception {
        ArtifactFetcher fetcher = fetcher(1 << 20);
        UploadStore store = new UploadStore(dir.resolve("uploads"), 1 << 20);
        store.store("u1", 0, 3, new byte[] {1, 2});
        store.store("u1", 2, 3, new byte[] {5});
        DeploymentException missing = assertThrows(DeploymentException.class,
                () -> fetcher.fetch(artifact(URI.create("upload:u1"), Optional.empty()), (n, t) -> { }));
        assertEquals(Code.DOWNLOAD_FAILED, missing.code());
        assertTrue(missing.getMessage().contains("chunk 1 of 3"), missing.getMessage());
        store.store("u1", 1, 3, new byte[] {3, 4});
        Path file = fetcher.fetch(artifact(URI.create("upload:u1"), Optional.empty()), (n, t) -> { });
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, Files.readAllBytes(file));
        assertEquals(Code.PAYLOAD_TOO_LARGE, assertThrows(DeploymentException.class,
                () -> new UploadStore(dir.resolve("small"), 3).store("u2", 0, 1, new byte[4])).code());
        assertEquals(Code.INVALID_ARGUMENT, assertThrows(DeploymentException.class,
                () -> store.store("../x", 0, 1, new byte[1])).code());
    }
}
