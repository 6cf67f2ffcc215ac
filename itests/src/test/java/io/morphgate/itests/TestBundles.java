package io.morphgate.itests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where each bundle jar is: the test dependencies Maven resolved for this module, as written by
 * {@code dependency:list} to {@code target/test-bundles.txt}. In a reactor build these are the modules'
 * freshly built jars; outside it, the local repository's. Runs on the test driver side only.
 */
final class TestBundles {

    private static final Map<String, Path> JARS = read(Path.of(System.getProperty("morphgate.itests.bundles", "target/test-bundles.txt")));

    private TestBundles() {
    }

    /** The jar of bundle {@code id} (groupId:artifactId:version), if it is a test dependency of the itests module. */
    static Optional<Path> jar(String id) {
        return Optional.ofNullable(JARS.get(id));
    }

    /** The jar of bundle {@code id}, or a failure that says how to make it available. */
    static Path require(String id) {
        return jar(id).orElseThrow(() -> new IllegalStateException("bundle " + id
                + " is not a test dependency of itests (see target/test-bundles.txt): add it to itests/pom.xml"));
    }

    // Lines look like "   group:artifact:jar:version:test:/abs/path.jar -- module name"; a classifier adds one field.
    private static Map<String, Path> read(Path list) {
        if (!Files.isRegularFile(list)) {
            throw new IllegalStateException(list + " is missing: run the itests through Maven (mvn verify), which writes it at pre-integration-test");
        }
        Map<String, Path> jars = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(list)) {
                String[] f = line.trim().split("\\s+")[0].split(":");
                if (f.length == 6 && f[2].equals("jar")) {
                    jars.put(f[0] + ":" + f[1] + ":" + f[3], Path.of(f[5]));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return jars;
    }
}
