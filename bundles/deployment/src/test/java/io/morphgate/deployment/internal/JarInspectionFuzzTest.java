package io.morphgate.deployment.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.morphgate.api.deployment.DeploymentException;
import io.morphgate.api.deployment.DeploymentException.Code;

/**
 * Hostile bytes as a downloaded jar: {@link JarInspection} must name a bundle (non-empty symbolic name) or refuse it
 * with NOT_A_BUNDLE; any other exception, an overflowing stack, running out of memory or hanging is a finding. The
 * unpacked budget is small (4 MB) so that a bomb must be caught by counting, not by luck.
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

    @FuzzTest(maxDuration = "60s")
    void inspect(byte[] bytes) throws IOException {
        Path jar = Files.write(dir.resolve("candidate.jar"), bytes);
        try {
            JarInspection.BundleFacts facts = JarInspection.inspect(jar, 4L << 20);
            assertFalse(facts.symbolicName().isEmpty(), "a bundle has a symbolic name");
        } catch (DeploymentException e) {
            assertEquals(Code.NOT_A_BUNDLE, e.code(), e.getMessage());
        }
    }
}
