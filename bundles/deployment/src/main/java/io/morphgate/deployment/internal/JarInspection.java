package io.morphgate.deployment.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

import io.morphgate.api.deployment.DeploymentException;
import io.morphgate.api.deployment.DeploymentException.Code;

/**
 * What a jar is, checked before the framework sees it: no entry escapes its root (zip slip), no entry inflates
 * absurdly (jar bomb; sizes are counted while reading, not taken from the headers), and the manifest names an OSGi
 * R4+ bundle.
 */
final class JarInspection {

    /** Entries may inflate this many times their compressed size (ONNX weights barely compress). */
    static final long MAX_RATIO = 100;
    /** Below this, ratios mean nothing (a 1 KB run of zeros is not a bomb). */
    static final long RATIO_FLOOR = 1024 * 1024;

    /** A bundle's identity from its manifest. */
    record BundleFacts(String symbolicName, String version) {
    }

    private JarInspection() {
    }

    static BundleFacts inspect(Path jar, long maxUnpackedBytes) throws DeploymentException {
        try (JarFile file = new JarFile(jar.toFile(), false)) {
            long unpacked = 0;
            for (Enumeration<? extends ZipEntry> entries = file.entries(); entries.hasMoreElements(); ) {
                ZipEntry entry = entries.nextElement();
                checkName(entry.getName());
                unpacked += checkSize(file, entry, maxUnpackedBytes - unpacked);
            }
            return facts(file.getManifest());
        } catch (IOException | SecurityException e) {
            throw notABundle("it is not a readable jar: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            // java.util.zip reports an entry name that is not valid UTF-8 this way (found by JarInspectionFuzzTest)
            throw notABundle("it has an entry name that is not valid UTF-8: " + e.getMessage());
        }
    }

    static void checkName(String name) throws DeploymentException {
        String n = name.replace('\\', '/');
        if (n.startsWith("/") || n.matches("^[A-Za-z]:.*") || n.equals("..") || n.startsWith("../")
                || n.contains("/../") || n.endsWith("/..") || n.indexOf('\0') >= 0) {
            throw notABundle("entry '" + name + "' points outside the jar (absolute path or '..')");
        }
    }

    private static long checkSize(JarFile file, ZipEntry entry, long budget) throws IOException, DeploymentException {
        // directories too: a name ending in '/' can carry data like any other entry (found by JarInspectionFuzzTest)
        long compressed = Math.max(entry.getCompressedSize(), 1);
        long limit = Math.max(RATIO_FLOOR, compressed * MAX_RATIO);
        long read = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = file.getInputStream(entry)) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                read += n;
                if (read > limit) {
                    throw notABundle("entry '" + entry.getName() + "' inflates more than " + MAX_RATIO
                            + " times its compressed size of " + compressed + " bytes (a jar bomb?)");
                }
                if (read > budget) {
                    throw notABundle("the jar unpacks to more than the limit of its content; refused as a jar bomb");
                }
            }
        }
        return read;
    }

    private static BundleFacts facts(Manifest manifest) throws DeploymentException {
        if (manifest == null) {
            throw notABundle("it has no META-INF/MANIFEST.MF");
        }
        Attributes main = manifest.getMainAttributes();
        String header = main.getValue("Bundle-SymbolicName");
        String bsn = header == null ? "" : header.split(";", 2)[0].trim(); // limit 2: ";" gives [""], not []
        if (bsn.isEmpty()) {
            throw notABundle("its manifest has no Bundle-SymbolicName");
        }
        if (!"2".equals(String.valueOf(main.getValue("Bundle-ManifestVersion")).trim())) {
            throw notABundle("its manifest has no Bundle-ManifestVersion: 2");
        }
        String version = main.getValue("Bundle-Version");
        return new BundleFacts(bsn, version == null ? "0.0.0" : version.trim());
    }

    private static DeploymentException notABundle(String reason) {
        return new DeploymentException(Code.NOT_A_BUNDLE, "not an installable bundle: " + reason);
    }
}
