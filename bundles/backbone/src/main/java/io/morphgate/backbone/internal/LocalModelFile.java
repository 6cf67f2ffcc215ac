package io.morphgate.backbone.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.morphgate.api.model.ModelDescriptor;
import io.morphgate.model.InvalidModelException;
import io.morphgate.model.ModelDescriptors;
import io.morphgate.model.packaging.ModelPackager;
import io.morphgate.model.packaging.PackagingException;

/**
 * A model tried locally from a file ({@code bin/morphgate --model FILE.onnx [--model-descriptor FILE.json]}, framework
 * properties {@value #FILE_PROPERTY} and {@value #DESCRIPTOR_PROPERTY}): read by the same code as a model bundle.
 * Without a descriptor, the console packager's defaults apply: the graph's input and output, labels by class index,
 * no normalisation (mean 0, std 1), the file name as the model id.
 */
final class LocalModelFile {

    static final String FILE_PROPERTY = "morphgate.model.file";
    static final String DESCRIPTOR_PROPERTY = "morphgate.model.descriptor";

    private LocalModelFile() {
    }

    /** Throws {@link InvalidModelException} saying what is wrong with the file or its descriptor. */
    static BackboneArtifacts read(Path onnx, Path descriptor) {
        if (!Files.isRegularFile(onnx)) {
            throw new InvalidModelException("--model " + onnx + " is not a file");
        }
        if (descriptor == null) {
            return withDefaults(onnx);
        }
        ModelDescriptor d;
        try (InputStream in = Files.newInputStream(descriptor)) {
            d = ModelDescriptors.read(in);
        } catch (IOException e) {
            throw new InvalidModelException("cannot read --model-descriptor " + descriptor + ": " + e.getMessage(), e);
        }
        Path folder = descriptor.toAbsolutePath().getParent();
        String onnxEntry = d.onnx();
        // the descriptor's own files lie beside it; its ONNX file is the one --model names
        return BackboneArtifacts.read(path -> open(path.equals(onnxEntry) ? onnx
                : path.equals("model.json") ? descriptor : folder.resolve(path)), "model.json");
    }

    private static BackboneArtifacts withDefaults(Path onnx) {
        String name = onnx.getFileName().toString().replaceFirst("\\.onnx$", "");
        String id = name.replaceAll("[^A-Za-z0-9._-]", "-").toLowerCase(Locale.ROOT);
        ModelDescriptor descriptor;
        ModelProto model;
        String sha256;
        try {
            ModelPackager.Prepared prepared = ModelPackager.prepare(new ModelPackager.Request(onnx,
                    id.isEmpty() ? "local" : id, "local", null, null, null, null, 0, ModelDescriptor.ChannelOrder.RGB,
                    null, 0, null, null, null));
            descriptor = prepared.descriptor();
            model = prepared.model().model(); // the graph parsed once: a large model does not fit twice in the heap
            sha256 = BackboneArtifacts.sha256(prepared.model().bytes());
        } catch (PackagingException e) {
            throw new InvalidModelException(e.getMessage(), e);
        }
        return BackboneArtifacts.of(descriptor, model, sha256, null, List.of());
    }

    private static InputStream open(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.newInputStream(file) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
