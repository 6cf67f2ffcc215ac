package io.morphgate.model.packaging;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Pattern;

import io.morphgate.api.model.ModelDescriptor;
import io.morphgate.model.ModelBundleFormat;
import io.morphgate.model.ModelDescriptors;

/**
 * Writes a model bundle: a jar with no code, its manifest naming the descriptor ({@link ModelBundleFormat}), and
 * {@code model/model.json}, {@code model/model.onnx} and optionally {@code model/calibration.idx}. Entries carry a
 * fixed time, so the same inputs give the same bytes (and the same SHA-256).
 */
public final class ModelBundleJar {

    /** The ONNX file's name beside the descriptor. */
    public static final String ONNX = "model.onnx";
    /** The calibration images' name beside the descriptor. */
    public static final String CALIBRATION = "calibration.idx";

    private static final Pattern OSGI_VERSION = Pattern.compile(
            "[0-9]{1,9}(\\.[0-9]{1,9}(\\.[0-9]{1,9}(\\.[A-Za-z0-9_-]+)?)?)?");
    private static final FileTime FIXED_TIME = FileTime.from(Instant.parse("2000-01-01T00:00:00Z"));

    private ModelBundleJar() {
    }

    /** The Bundle-Version: the model's version if OSGi accepts it, else 0.0.0.&lt;version, sanitised&gt;. */
    public static String bundleVersion(String modelVersion) {
        if (OSGI_VERSION.matcher(modelVersion).matches()) {
            return modelVersion;
        }
        return "0.0.0." + modelVersion.replaceAll("[^A-Za-z0-9_-]", "_");
    }

    public static Manifest manifest(ModelDescriptor descriptor) {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", ModelBundleFormat.SYMBOLIC_NAME_PREFIX + descriptor.id());
        main.putValue("Bundle-Version", bundleVersion(descriptor.version()));
        main.putValue("Bundle-Name", "Morphgate model " + descriptor.id() + " " + descriptor.version());
        main.putValue(ModelBundleFormat.HEADER, ModelBundleFormat.DESCRIPTOR_PATH);
        main.putValue("Require-Capability", ModelBundleFormat.REQUIRE_EXTENDER);
        return manifest;
    }

    /**
     * Writes the jar to a temporary file beside {@code out}, then moves it there: a failed run leaves no half jar.
     *
     * @param calibrationIdx the IDX bytes, or null when the descriptor names no calibration
     */
    public static void write(Path out, ModelDescriptor descriptor, byte[] onnx, byte[] calibrationIdx)
            throws IOException {
        String folder = ModelBundleFormat.folderOf(ModelBundleFormat.DESCRIPTOR_PATH);
        Path dir = out.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, out.getFileName().toString(), ".tmp");
        try {
            try (OutputStream file = Files.newOutputStream(tmp);
                 JarOutputStream jar = new JarOutputStream(file)) {
                ByteArrayOutputStream manifest = new ByteArrayOutputStream();
                manifest(descriptor).write(manifest);
                entry(jar, "META-INF/MANIFEST.MF", manifest.toByteArray());
                entry(jar, folder, new byte[0]);
                entry(jar, ModelBundleFormat.DESCRIPTOR_PATH,
                        (ModelDescriptors.write(descriptor) + "\n").getBytes(StandardCharsets.UTF_8));
                entry(jar, folder + descriptor.onnx(), onnx);
                if (calibrationIdx != null) {
                    entry(jar, folder + descriptor.calibration(), calibrationIdx);
                }
            }
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void entry(JarOutputStream jar, String name, byte[] bytes) throws IOException {
        JarEntry entry = new JarEntry(name);
        entry.setLastModifiedTime(FIXED_TIME);
        jar.putNextEntry(entry);
        jar.write(bytes);
        jar.closeEntry();
    }
}
