package io.morphgate.itests;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.ServiceLoader;

import org.osgi.service.feature.Feature;
import org.osgi.service.feature.FeatureService;
import org.osgi.service.feature.ID;

/**
 * The feature descriptors of the morphgate-features jar, read as the launcher reads them: OSGi Feature JSON
 * through the Felix Feature Service implementation (found by ServiceLoader, no framework needed).
 * Runs on the test driver side only.
 */
final class FeatureDescriptors {

    private static final FeatureService FEATURES = ServiceLoader.load(FeatureService.class).findFirst()
            .orElseThrow(() -> new IllegalStateException("no org.osgi.service.feature.FeatureService implementation on the test classpath"));

    private FeatureDescriptors() {
    }

    /** Bundle ids (groupId:artifactId:version) of feature {@code name}, in the order the descriptor lists them. */
    static List<String> bundleIds(String name) {
        String resource = "features/" + name + ".json";
        try (InputStream in = FeatureDescriptors.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no feature descriptor " + resource + " on the test classpath (morphgate-features jar)");
            }
            try (Reader json = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                Feature feature = FEATURES.readFeature(json);
                return feature.getBundles().stream().map(b -> coordinates(b.getID())).toList();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read feature descriptor " + resource, e);
        }
    }

    private static String coordinates(ID id) {
        if (id.getClassifier().isPresent() || id.getType().filter(t -> !t.equals("jar")).isPresent()) {
            throw new IllegalArgumentException("bundle " + id + ": only plain jar bundles (group:artifact:version) are supported");
        }
        return id.getGroupId() + ":" + id.getArtifactId() + ":" + id.getVersion();
    }
}
