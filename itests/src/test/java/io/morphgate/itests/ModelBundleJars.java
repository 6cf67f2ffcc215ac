package io.morphgate.itests;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import io.morphgate.model.ModelBundleFormat;

/**
 * Model bundles written by the tests, in the layout of {@code docs/models.md} (the console's {@code model package}
 * writes the same for users): a manifest naming the descriptor and requiring the model extender, and the files.
 */
final class ModelBundleJars {

    private ModelBundleJars() {
    }

    /** Writes a model bundle for model {@code id} with {@code files} (paths relative to {@code model/}). */
    static Path write(Path target, String id, String version, Map<String, byte[]> files) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", ModelBundleFormat.SYMBOLIC_NAME_PREFIX + id);
        main.putValue("Bundle-Version", version);
        main.putValue(ModelBundleFormat.HEADER, ModelBundleFormat.DESCRIPTOR_PATH);
        main.putValue("Require-Capability", ModelBundleFormat.REQUIRE_EXTENDER);
        Files.createDirectories(target.getParent());
        try (OutputStream out = Files.newOutputStream(target); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                jar.putNextEntry(new JarEntry("model/" + file.getKey()));
                jar.write(file.getValue());
                jar.closeEntry();
            }
        }
        return target;
    }

    /** The files of a model: its descriptor (as JSON text) and the files it names. */
    static Map<String, byte[]> files(String descriptorJson, Map<String, byte[]> named) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("model.json", descriptorJson.getBytes(StandardCharsets.UTF_8));
        files.putAll(named);
        return files;
    }
}
