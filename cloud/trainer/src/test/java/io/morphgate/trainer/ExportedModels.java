package io.morphgate.trainer;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Networks exported by {@code models/export/export_torchvision.py} ({@code torch.onnx.export}, random weights) into
 * the folder {@code MORPHGATE_EXPORTED_MODELS} names ({@code ./test.sh} exports them there). A test that needs one is
 * skipped when it is absent, unless {@code MORPHGATE_REQUIRE_EXPORTED_MODELS=true} (CI), which makes that a failure.
 */
final class ExportedModels {

    private ExportedModels() {
    }

    static Path file(String name) {
        String folder = System.getenv("MORPHGATE_EXPORTED_MODELS");
        boolean present = folder != null && !folder.isBlank() && Files.isRegularFile(Path.of(folder, name));
        if (!present && Boolean.parseBoolean(System.getenv("MORPHGATE_REQUIRE_EXPORTED_MODELS"))) {
            throw new AssertionError("MORPHGATE_REQUIRE_EXPORTED_MODELS is set but MORPHGATE_EXPORTED_MODELS ("
                    + folder + ") holds no " + name + ": run /usr/bin/python3 models/export/export_torchvision.py"
                    + " --out DIR --size 64");
        }
        assumeTrue(present, "no exported " + name + " in MORPHGATE_EXPORTED_MODELS (" + folder
                + "); /usr/bin/python3 models/export/export_torchvision.py --out DIR --size 64 writes it");
        return Path.of(folder, name);
    }
}
