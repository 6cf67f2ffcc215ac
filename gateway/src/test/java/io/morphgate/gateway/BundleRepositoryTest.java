package io.morphgate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleRepositoryTest {

    @TempDir
    Path tmp;

    @Test
    void findsTheJarInTheFirstRootThatHasIt() throws Exception {
        Path dist = tmp.resolve("repository");
        Path m2 = tmp.resolve("m2");
        BundleId id = BundleId.parse("org.osgi:org.osgi.util.promise:1.3.0");
        Path inM2 = put(m2, id);
        BundleRepository repo = new BundleRepository(List.of(dist, m2));
        assertEquals(inM2, repo.locate(id));

        Path inDist = put(dist, id);
        assertEquals(inDist, repo.locate(id));
    }

    @Test
    void aMissingBundleSaysWhereItLooked() {
        BundleId id = BundleId.parse("io.morphgate:morphgate-backbone:0.1.0-SNAPSHOT");
        BundleRepository repo = new BundleRepository(List.of(tmp.resolve("repository")));
        ProvisioningException e = assertThrows(ProvisioningException.class, () -> repo.locate(id));
        assertEquals("io.morphgate:morphgate-backbone:0.1.0-SNAPSHOT", e.bundle());
        assertTrue(e.reason().contains(tmp.resolve("repository").resolve(id.repositoryPath()).toString()), e.reason());
    }

    private static Path put(Path root, BundleId id) throws IOException {
        Path jar = root.resolve(id.repositoryPath());
        Files.createDirectories(jar.getParent());
        return Files.write(jar, new byte[] {1});
    }
}
