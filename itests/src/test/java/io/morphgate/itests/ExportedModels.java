package io.morphgate.itests;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Models exported by a real exporter ({@code models/export/export_torchvision.py}, {@code torch.onnx.export} with
 * Debian's python3-torch) into the folder that {@code MORPHGATE_EXPORTED_MODELS} names; the test script exports them
 * before the build. Without them the tests that need them are skipped, unless
 * {@code MORPHGATE_REQUIRE_EXPORTED_MODELS=true} (CI), which makes their absence a failure. Driver side.
 */
final class ExportedModels {

    private ExportedModels() {
    }

    static Optional<Path> folder() {
        String folder = System.getenv("MORPHGATE_EXPORTED_MODELS");
        Optional<Path> found = Optional.ofNullable(folder).filter(f -> !f.isBlank()).map(Path::of)
                .filter(p -> Files.isRegularFile(p.resolve("resnet18.onnx")));
        if (found.isEmpty() && Boolean.parseBoolean(System.getenv("MORPHGATE_REQUIRE_EXPORTED_MODELS"))) {
            throw new IllegalStateException("MORPHGATE_REQUIRE_EXPORTED_MODELS is set but MORPHGATE_EXPORTED_MODELS ("
                    + folder + ") holds no resnet18.onnx: run models/export/export_torchvision.py");
        }
        return found;
    }
}
