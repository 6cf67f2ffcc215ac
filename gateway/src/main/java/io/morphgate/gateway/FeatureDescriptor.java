package io.morphgate.gateway;

import java.nio.file.Path;
import java.util.List;

/** What the launcher needs from one OSGi Feature: its id, where it came from, its bundles in order. */
record FeatureDescriptor(String id, String artifactId, Path source, List<BundleId> bundles) {

    FeatureDescriptor {
        bundles = List.copyOf(bundles);
    }
}
