package io.morphgate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureReaderTest {

    private static final String FEATURE = """
            {
              "feature-resource-version": "1.0",
              "id": "io.morphgate:morphgate-test:osgifeature:1.0.0",
              "bundles": [
                { "id": "org.osgi:org.osgi.util.function:1.2.0" },
                { "id": "org.apache.felix:org.apache.felix.scr:2.2.10", "start-order": 2 },
                { "id": "io.morphgate:morphgate-onnxruntime:0.1.0-SNAPSHOT" }
              ]
            }
            """;

    @TempDir
    Path tmp;

    @Test
    void readsTheBundlesInOrder() throws Exception {
        FeatureDescriptor f = new FeatureReader().read(Files.writeString(tmp.resolve("test.json"), FEATURE));
        assertEquals("io.morphgate:morphgate-test:osgifeature:1.0.0", f.id());
        assertEquals("morphgate-test", f.artifactId());
        assertEquals(List.of(
                BundleId.parse("org.osgi:org.osgi.util.function:1.2.0"),
                BundleId.parse("org.apache.felix:org.apache.felix.scr:2.2.10"),
                BundleId.parse("io.morphgate:morphgate-onnxruntime:0.1.0-SNAPSHOT")), f.bundles());
    }

    @Test
    void readsTheShippedCoreFeature() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("features"));
        copyResource("features/morphgate-core.json", dir.resolve("morphgate-core.json"));
        FeatureCatalog catalog = new FeatureCatalog(new FeatureReader(), dir);

        FeatureDescriptor core = catalog.find("morphgate-core");
        assertEquals(core, catalog.find(core.id()));
        List<String> artifacts = core.bundles().stream().map(BundleId::artifactId).toList();
        assertTrue(artifacts.containsAll(List.of("org.apache.felix.scr", "org.apache.felix.configadmin",
                "org.osgi.service.component", "org.osgi.util.promise", "org.osgi.util.function", "morphgate-onnxruntime")), artifacts.toString());
        core.bundles().forEach(b -> assertFalse(b.version().contains("${"), "unfiltered version in " + b));
    }

    @Test
    void anUnknownFeatureNamesTheKnownOnes() throws Exception {
        FeatureCatalog catalog = new FeatureCatalog(new FeatureReader(), tmp);
        IOException e = assertThrows(IOException.class, () -> catalog.find("morphgate-nope"));
        assertTrue(e.getMessage().contains("morphgate-nope"));
    }

    @Test
    void malformedJsonIsAnIoError() throws Exception {
        Path bad = Files.writeString(tmp.resolve("bad.json"), "{ \"id\": ");
        assertThrows(IOException.class, () -> new FeatureReader().read(bad));
    }

    @Test
    void featuresListSkipsCommentsAndBlankLines() throws Exception {
        Path list = Files.writeString(tmp.resolve("features.list"), "# defaults\n\nmorphgate-core\n  a:b:osgifeature:1 # x\n");
        assertEquals(List.of("morphgate-core", "a:b:osgifeature:1"), FeatureCatalog.readList(list));
    }

    private static void copyResource(String name, Path target) throws IOException {
        try (InputStream in = FeatureReaderTest.class.getClassLoader().getResourceAsStream(name)) {
            assertTrue(in != null, name + " not on the test class path (morphgate-features)");
            Files.copy(in, target);
        }
    }
}
