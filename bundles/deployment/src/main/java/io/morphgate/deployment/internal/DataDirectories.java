package io.morphgate.deployment.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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

    /**
     * Where file: URLs may point: the gateway's data directory ({@code ${morphgate.data.dir}}), the deployer's own
     * (uploads included; it may be configured elsewhere) and the {@code configured} ones.
     */
    static FileSources fileSources(BundleContext context, Path data, String[] configured) {
        List<Path> directories = new ArrayList<>();
        if (context.getProperty("morphgate.data.dir") != null) {
            directories.add(Path.of(context.getProperty("morphgate.data.dir")).toAbsolutePath());
        }
        directories.add(data);
        for (String dir : configured) {
            if (!dir.isBlank()) {
                directories.add(Path.of(dir.trim()).toAbsolutePath());
            }
        }
        return new FileSources(directories);
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
