package io.morphgate.deployment.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.osgi.framework.BundleContext;

/** Where the deployer keeps its files and reads its trusted keys, unless configured. */
final class DataDirectories {

    private DataDirectories() {
    }

    /** Configured, else {@code ${morphgate.data.dir}/deployment}, else the bundle's data area. */
    static Path data(BundleContext context, String configured) throws IOException {
        Path dir;
        if (!configured.isBlank()) {
            dir = Path.of(configured);
        } else if (context.getProperty("morphgate.data.dir") != null) {
            dir = Path.of(context.getProperty("morphgate.data.dir"), "deployment");
        } else if (context.getDataFile("") != null) {
            dir = context.getDataFile("deployment").toPath();
        } else {
            throw new IOException("no data directory: configure dataDirectory (the framework has no file system)");
        }
        return Files.createDirectories(dir.toAbsolutePath());
    }

    /** Configured, else {@code ${morphgate.home}/conf/trusted-keys}, else {@code <data>/trusted-keys}. */
    static Path trustedKeys(BundleContext context, String configured, Path data) {
        if (!configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        String home = context.getProperty("morphgate.home");
        return home != null ? Path.of(home, "conf", "trusted-keys").toAbsolutePath() : data.resolve("trusted-keys");
    }
}
