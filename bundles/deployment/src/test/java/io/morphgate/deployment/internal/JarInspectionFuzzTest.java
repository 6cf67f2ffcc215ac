package io.morphgate.deployment.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.morphgate.api.deployment.DeploymentException;
import io.morphgate.api.deployment.DeploymentException.Code;

/**
 * Hostile jars: {@link JarInspection} must name a bundle (non-empty symbolic name) or refuse it with NOT_A_BUNDLE; any
 * other exception, an overflowing stack, running out of memory or hanging is a finding. The unpacked budget is small
 * (4 MB) so that a bomb must be caught by counting, not by luck. Two targets: raw bytes (the zip reader itself is JDK
 * code, which Jazzer does not instrument, so coverage guides it little), and jars built from fuzzed entry names,
 * sizes, compression and manifest, checked against an independent oracle: an accepted jar has no entry that would
 * land outside a directory it is extracted to, and does not unpack beyond the budget.
 *
 * <p>Regression inputs: {@code src/test/resources/io/morphgate/deployment/internal/JarInspectionFuzzTestInputs/inspect/}.
 * Fuzzing: {@code benchmarks/fuzz.sh}.
 */
class JarInspectionFuzzTest {

    private static Path dir;

    @BeforeAll
    static void createDir() throws IOException {
        dir = Files.createTempDirectory("morphgate-fuzz-jars");
    }

    @AfterAll
    static void deleteDir() throws IOException {
        Files.deleteIfExists(dir.resolve("candidate.jar"));
        Files.deleteIfExists(dir);
    }

    private static final long BUDGET = 4L << 20;

    @FuzzTest(maxDuration = "60s")
    void inspect(byte[] bytes) throws IOException {
        Path jar = Files.write(dir.resolve("candidate.jar"), bytes);
        try {
            JarInspection.BundleFacts facts = JarInspection.inspect(jar, BUDGET);
            assertFalse(facts.symbolicName().isEmpty(), "a bundle has a symbolic name");
        } catch (DeploymentException e) {
            assertEquals(Code.NOT_A_BUNDLE, e.code(), e.getMessage());
        }
    }

    @FuzzTest(maxDuration = "60s")
    void inspectBuiltJar(FuzzedDataProvider data) throws IOException {
        String manifest = "Manifest-Version: 1.0\r\nBundle-ManifestVersion: 2\r\nBundle-SymbolicName: "
                + data.consumeString(30) + "\r\n" + data.consumeString(60) + "\r\n";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long unpacked = 0;
        boolean escapes = false;
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
            zip.write(manifest.getBytes(StandardCharsets.UTF_8));
            for (int i = data.consumeInt(0, 6); i > 0; i--) {
                String name = data.consumeString(40);
                int size = data.consumeInt(0, 3 << 20);
                zip.setLevel(data.consumeInt(0, 9));
                zip.putNextEntry(new ZipEntry(name));
                byte[] chunk = new byte[Math.min(size, 64 * 1024)];
                Arrays.fill(chunk, data.consumeByte());
                for (int written = 0; written < size; written += chunk.length) {
                    zip.write(chunk, 0, Math.min(chunk.length, size - written));
                }
                unpacked += size;
                escapes |= !name.endsWith("/") && escapes(name);
            }
        } catch (ZipException | IllegalArgumentException e) {
            return; // a jar ZipOutputStream will not write (duplicate or overlong name): nothing to inspect
        }
        Path jar = Files.write(dir.resolve("candidate.jar"), bytes.toByteArray());
        try {
            JarInspection.BundleFacts facts = JarInspection.inspect(jar, BUDGET);
            assertFalse(facts.symbolicName().isEmpty(), "a bundle has a symbolic name");
            assertFalse(escapes, "accepted a jar with an entry that lands outside the extraction directory");
            assertFalse(unpacked > BUDGET + manifest.length(), "accepted a jar that unpacks to " + unpacked);
        } catch (DeploymentException e) {
            assertEquals(Code.NOT_A_BUNDLE, e.code(), e.getMessage());
        }
    }

    /** The oracle: where the entry would land if extracted under /x/root, by the path rules of this platform. */
    private static boolean escapes(String name) {
        Path root = Path.of("/x/root");
        try {
            return !root.resolve(name.replace('\\', '/')).normalize().startsWith(root);
        } catch (java.nio.file.InvalidPathException e) {
            return false; // a name this platform cannot make into a path cannot be extracted either
        }
    }
}
