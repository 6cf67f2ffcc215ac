package io.morphgate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class BundleIdTest {

    @Test
    void parsesGroupArtifactVersion() {
        BundleId id = BundleId.parse("org.apache.felix:org.apache.felix.scr:2.2.10");
        assertEquals(new BundleId("org.apache.felix", "org.apache.felix.scr", "2.2.10", "jar", ""), id);
        assertEquals("org.apache.felix:org.apache.felix.scr:2.2.10", id.toString());
    }

    @Test
    void parsesTypeAndClassifier() {
        assertEquals(new BundleId("g", "a", "1", "zip", ""), BundleId.parse("g:a:zip:1"));
        assertEquals(new BundleId("g", "a", "1", "jar", "linux"), BundleId.parse("g:a:jar:linux:1"));
    }

    @Test
    void rejectsWhatIsNotAnId() {
        assertThrows(IllegalArgumentException.class, () -> BundleId.parse("g:a"));
        assertThrows(IllegalArgumentException.class, () -> BundleId.parse("g::1"));
        assertThrows(IllegalArgumentException.class, () -> BundleId.parse("a:b:c:d:e:f"));
    }

    @Test
    void mapsToMavenRepositoryLayout() {
        assertEquals(Path.of("org/apache/felix/org.apache.felix.scr/2.2.10/org.apache.felix.scr-2.2.10.jar"),
                BundleId.parse("org.apache.felix:org.apache.felix.scr:2.2.10").repositoryPath());
        assertEquals(Path.of("io/morphgate/morphgate-api/0.1.0-SNAPSHOT/morphgate-api-0.1.0-SNAPSHOT.jar"),
                BundleId.parse("io.morphgate:morphgate-api:0.1.0-SNAPSHOT").repositoryPath());
        assertEquals(Path.of("g/h/a/1/a-1-linux.jar"), BundleId.parse("g.h:a:jar:linux:1").repositoryPath());
    }

    @Test
    void installLocationIsStableAndReadable() {
        assertEquals("mvn:io.morphgate/morphgate-api/0.1.0", BundleId.parse("io.morphgate:morphgate-api:0.1.0").location());
    }
}
