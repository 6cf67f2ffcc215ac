package io.morphgate.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The features a gateway can provision: every *.json in the features folder, found by feature id
 * ({@code io.morphgate:morphgate-core:osgifeature:0.1.0}), by short name ({@code morphgate-core}) or by file path.
 */
final class FeatureCatalog {

    private final FeatureReader reader;
    private final Map<String, FeatureDescriptor> byName = new LinkedHashMap<>();

    FeatureCatalog(FeatureReader reader, Path featuresDir) throws IOException {
        this.reader = reader;
        if (featuresDir != null && Files.isDirectory(featuresDir)) {
            try (Stream<Path> files = Files.list(featuresDir)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                    FeatureDescriptor f = reader.read(file);
                    byName.put(f.id(), f);
                    byName.putIfAbsent(f.artifactId(), f);
                    byName.putIfAbsent(file.getFileName().toString(), f);
                }
            }
        }
    }

    FeatureDescriptor find(String selector) throws IOException {
        FeatureDescriptor known = byName.get(selector.trim());
        if (known != null) {
            return known;
        }
        Path file = Path.of(selector.trim());
        if (Files.isRegularFile(file)) {
            return reader.read(file);
        }
        throw new IOException("Unknown feature '" + selector + "': not a file, and not one of " + byName.keySet());
    }

    List<FeatureDescriptor> findAll(List<String> selectors) throws IOException {
        List<FeatureDescriptor> found = new ArrayList<>();
        for (String s : selectors) {
            found.add(find(s));
        }
        return found;
    }

    /** Feature selectors from a features.list: one a line, '#' starts a comment. */
    static List<String> readList(Path listFile) throws IOException {
        return Files.readAllLines(listFile, StandardCharsets.UTF_8).stream()
                .map(l -> l.replaceFirst("#.*", "").trim())
                .filter(l -> !l.isEmpty())
                .toList();
    }
}
