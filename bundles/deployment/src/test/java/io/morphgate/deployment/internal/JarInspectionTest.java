package io.morphgate.deployment.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.morphgate.api.deployment.DeploymentException;
import io.morphgate.api.deployment.DeploymentException.Code;

class JarInspectionTest {

    private static final Map<String, String> BUNDLE = Map.of("Bundle-ManifestVersion", "2",
            "Bundle-SymbolicName", "io.example.op;singleton:=true");

    @TempDir
    Path dir;

    @Test
    void readsTheBundleIdentity() throws Exception {
        Path jar = TestJars.jar(dir.resolve("ok.jar"), BUNDLE, Map.of("a/b.txt", new byte[100]));
        var facts = JarInspection.inspect(jar, 1 << 20);
        assertEquals("io.example.op", facts.symbolicName());
        assertEquals("0.0.0", facts.version());
    }

    @Test
    void refusesEntriesThatEscapeTheJar() throws Exception {
        for (String name : new String[] {"../evil.sh", "a/../../evil", "/etc/cron.d/x", "C:/windows/x", "a\\..\\..\\x"}) {
            Path jar = TestJars.jar(dir.resolve("slip.jar"), BUNDLE, Map.of(name, new byte[1]));
            DeploymentException e = assertThrows(DeploymentException.class, () -> JarInspection.inspect(jar, 1 << 20), name);
            assertEquals(Code.NOT_A_BUNDLE, e.code());
            assertTrue(e.getMessage().contains("outside the jar"), e.getMessage());
        }
        assertDoesNotThrow(() -> JarInspection.checkName("a/..b/c..d"));
    }

    @Test
    void refusesASymbolicNameThatIsOnlyAttributes() throws Exception {
        // ";" alone once escaped as an ArrayIndexOutOfBoundsException (found by JarInspectionFuzzTest)
        for (String header : new String[] {" ;singleton:=true", ";", ";;"}) {
            Path jar = TestJars.jar(dir.resolve("nameless.jar"), Map.of("Bundle-ManifestVersion", "2",
                    "Bundle-SymbolicName", header), Map.of("a", new byte[1]));
            DeploymentException e = assertThrows(DeploymentException.class, () -> JarInspection.inspect(jar, 1 << 20),
                    header);
            assertEquals(Code.NOT_A_BUNDLE, e.code());
            assertTrue(e.getMessage().contains("Bundle-SymbolicName"), e.getMessage());
        }
    }

    @Test
    void refusesABombOfManySmallEntriesUnderTheRatioFloor() throws Exception {
        // each entry inflates 1000x but stays under the 1 MB floor; together they exceed the unpacked budget
        Path jar = dir.resolve("spread.jar");
        try (OutputStream out = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
            zip.write("Manifest-Version: 1.0\nBundle-ManifestVersion: 2\nBundle-SymbolicName: x\n".getBytes());
            for (int i = 0; i < 200; i++) {
                zip.putNextEntry(new ZipEntry("zeros/" + i));
                zip.write(new byte[1_000_000]);
            }
        }
        assertTrue(Files.size(jar) < 1_000_000, "the jar is small: " + Files.size(jar));
        DeploymentException e = assertThrows(DeploymentException.class, () -> JarInspection.inspect(jar, 50_000_000));
        assertEquals(Code.NOT_A_BUNDLE, e.code());
        assertTrue(e.getMessage().contains("jar bomb"), e.getMessage());
    }

    @Test
    void refusesABombHiddenInADirectoryEntry() throws Exception {
        // a name ending in '/' can carry data; its size was once not counted (found by JarInspectionFuzzTest)
        Path jar = TestJars.jar(dir.resolve("dir-bomb.jar"), BUNDLE, Map.of("data/", new byte[20 * 1024 * 1024]));
        DeploymentException e = assertThrows(DeploymentException.class, () -> JarInspection.inspect(jar, 1L << 30));
        assertEquals(Code.NOT_A_BUNDLE, e.code());
        assertTrue(e.getMessage().contains("jar bomb"), e.getMessage());
    }

    @Test
    void refusesJarBombs() throws Exception {
        Path jar = TestJars.jar(dir.resolve("bomb.jar"), BUNDLE, Map.of("zeros.bin", new byte[20 * 1024 * 1024]));
        assertTrue(Files.size(jar) < 100_000, "the bomb is small: " + Files.size(jar));
        DeploymentException e = assertThrows(DeploymentException.class, () -> JarInspection.inspect(jar, 1L << 30));
        assertEquals(Code.NOT_A_BUNDLE, e.code());
        assertTrue(e.getMessage().contains("jar bomb"), e.getMessage());
    }

    @Test
    void refusesJarsThatUnpackBeyondTheLimit() throws Exception {
        Path jar = dir.resolve("many.jar");
        try (OutputStream out = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
            zip.write("Manifest-Version: 1.0\nBundle-ManifestVersion: 2\nBundle-SymbolicName: x\n".getBytes());
            for (int i = 0; i < 8; i++) {
                zip.putNextEntry(new ZipEntry("part" + i));
                zip.write(new byte[500_000]);
            }
        }
        DeploymentException e = assertThrows(DeploymentException.class, () -> JarInspection.inspect(jar, 2_000_000));
        assertEquals(Code.NOT_A_BUNDLE, e.code());
    }
}
