package io.morphgate.itests;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import io.morphgate.api.model.ModelDescriptor;
import io.morphgate.model.ModelDescriptors;
import io.morphgate.model.packaging.ModelBundleJar;

/**
 * Model bundles for the tests, with the manifest the console's packager writes ({@link ModelBundleJar}); the tests
 * choose the files, so that they can ship broken ones.
 */
public final class ModelBundleJars {

    private ModelBundleJars() {
    }

    /**
     * A model bundle with {@code descriptorJson} as {@code model/model.json} and {@code files} beside it (paths
     * relative to {@code model/}), whatever they hold.
     */
    public static Path write(Path target, String descriptorJson, Map<String, byte[]> files) throws IOException {
        ModelDescriptor descriptor = ModelDescriptors.read(new ByteArrayInputStream(
                descriptorJson.getBytes(StandardCharsets.UTF_8)));
        Files.createDirectories(target.getParent());
        try (OutputStream out = Files.newOutputStream(target);
                JarOutputStream jar = new JarOutputStream(out, ModelBundleJar.manifest(descriptor))) {
            jar.putNextEntry(new JarEntry("model/model.json"));
            jar.write(descriptorJson.getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                jar.putNextEntry(new JarEntry("model/" + file.getKey()));
                jar.write(file.getValue());
                jar.closeEntry();
            }
        }
        return target;
    }

    /**
     * The model bundle the console would package for a model exported by {@code models/export/export_torchvision.py}:
     * {@code <name>.onnx} with its descriptor {@code <name>.json} from {@code folder}.
     */
    public static Path exported(Path target, Path folder, String name) throws IOException {
        ModelDescriptor descriptor = ModelDescriptors.read(Files.newInputStream(folder.resolve(name + ".json")));
        ModelBundleJar.write(target, descriptor, Files.readAllBytes(folder.resolve(descriptor.onnx())), null);
        return target;
    }
}
