package io.morphgate.gateway;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.felix.feature.impl.FeatureServiceImpl;
import org.osgi.service.feature.Feature;
import org.osgi.service.feature.FeatureService;
import org.osgi.service.feature.ID;

/**
 * Reads OSGi Feature JSON (OSGi Compendium 8, chapter 159) with Apache Felix's implementation, used as a plain
 * library: its FeatureServiceImpl needs no framework, only jakarta.json (Parsson) and org.apache.felix.cm.json.
 */
final class FeatureReader {

    private final FeatureService features = new FeatureServiceImpl();

    FeatureDescriptor read(Path file) throws IOException {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return toDescriptor(features.readFeature(in), file);
        } catch (RuntimeException e) {
            // the Felix reader reports malformed JSON and missing members as unchecked exceptions
            throw new IOException("Not a valid OSGi feature: " + file + ": " + e.getMessage(), e);
        }
    }

    private static FeatureDescriptor toDescriptor(Feature feature, Path source) {
        List<BundleId> bundles = feature.getBundles().stream().map(b -> toBundleId(b.getID())).toList();
        return new FeatureDescriptor(feature.getID().toString(), feature.getID().getArtifactId(), source, bundles);
    }

    private static BundleId toBundleId(ID id) {
        return new BundleId(id.getGroupId(), id.getArtifactId(), id.getVersion(),
                id.getType().orElse(null), id.getClassifier().orElse(null));
    }
}
