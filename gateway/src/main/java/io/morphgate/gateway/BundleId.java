package io.morphgate.gateway;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A bundle's Maven coordinates, as OSGi Feature descriptors name it: {@code group:artifact:version} or
 * {@code group:artifact:type:version} or {@code group:artifact:type:classifier:version}.
 */
record BundleId(String groupId, String artifactId, String version, String type, String classifier) {

    BundleId {
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(artifactId, "artifactId");
        Objects.requireNonNull(version, "version");
        type = type == null || type.isEmpty() ? "jar" : type;
        classifier = classifier == null ? "" : classifier;
    }

    static BundleId parse(String id) {
        String[] p = id.trim().split(":", -1);
        for (String part : p) {
            if (part.isBlank()) {
                throw new IllegalArgumentException("Not a bundle id (group:artifact[:type[:classifier]]:version): '" + id + "'");
            }
        }
        return switch (p.length) {
            case 3 -> new BundleId(p[0], p[1], p[2], null, null);
            case 4 -> new BundleId(p[0], p[1], p[3], p[2], null);
            case 5 -> new BundleId(p[0], p[1], p[4], p[2], p[3]);
            default -> throw new IllegalArgumentException(
                    "Not a bundle id (group:artifact[:type[:classifier]]:version): '" + id + "'");
        };
    }

    /** The file inside a Maven-layout repository: {@code org/apache/felix/org.apache.felix.scr/2.2.10/org.apache.felix.scr-2.2.10.jar}. */
    Path repositoryPath() {
        String file = artifactId + "-" + version + (classifier.isEmpty() ? "" : "-" + classifier) + "." + type;
        return Path.of(groupId.replace('.', '/'), artifactId, version, file);
    }

    /** The location the bundle is installed under: stable across distributions and install directories. */
    String location() {
        return "mvn:" + groupId + "/" + artifactId + "/" + version + (classifier.isEmpty() && type.equals("jar") ? "" : "/" + type + (classifier.isEmpty() ? "" : "/" + classifier));
    }

    @Override
    public String toString() {
        return groupId + ":" + artifactId + (type.equals("jar") && classifier.isEmpty() ? "" : ":" + type + (classifier.isEmpty() ? "" : ":" + classifier)) + ":" + version;
    }
}
