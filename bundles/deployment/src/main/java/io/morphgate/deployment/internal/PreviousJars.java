package io.morphgate.deployment.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Enumeration;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

import org.osgi.framework.Bundle;

import io.morphgate.api.deployment.DeploymentException;
import io.morphgate.api.deployment.DeploymentException.Code;

/**
 * Keeps the jar a bundle runs before an update, as {@code previous/<bsn>/previous.jar}, so that a failed update can be
 * undone. The jar is rebuilt from the bundle's own entries (manifest first): exactly what runs now, whoever installed
 * it and however (the launcher installs from streams; a location may name a file long since replaced).
 */
final class PreviousJars {

    private final Path root;

    PreviousJars(Path root) {
        this.root = root;
    }

    Path keep(Bundle bundle) throws DeploymentException {
        try {
            Path dir = Files.createDirectories(root.resolve(bundle.getSymbolicName()));
            Path tmp = dir.resolve("previous.jar.tmp");
            Path target = dir.resolve("previous.jar");
            rebuild(bundle, tmp);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException | RuntimeException e) {
            throw new DeploymentException(Code.INTERNAL, "cannot keep the current jar of " + bundle.getSymbolicName()
                    + " before updating it, so the update could not be undone: " + e, e);
        }
    }

    private static void rebuild(Bundle bundle, Path target) throws IOException {
        URL manifestUrl = bundle.getEntry("META-INF/MANIFEST.MF");
        if (manifestUrl == null) {
            throw new IOException("bundle has no manifest entry");
        }
        Manifest manifest;
        try (InputStream in = manifestUrl.openStream()) {
            manifest = new Manifest(in);
        }
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(target), manifest)) {
            Deque<String> dirs = new ArrayDeque<>();
            dirs.push("/");
            while (!dirs.isEmpty()) {
                Enumeration<String> paths = bundle.getEntryPaths(dirs.pop());
                while (paths != null && paths.hasMoreElements()) {
                    String path = paths.nextElement();
                    if (path.endsWith("/")) {
                        dirs.push(path);
                    } else if (!path.equalsIgnoreCase("META-INF/MANIFEST.MF")) {
                        copyEntry(bundle, path, out);
                    }
                }
            }
        }
    }

    private static void copyEntry(Bundle bundle, String path, JarOutputStream out) throws IOException {
        out.putNextEntry(new ZipEntry(path));
        try (InputStream in = bundle.getEntry(path).openStream()) {
            in.transferTo(out);
        }
        out.closeEntry();
    }
}
