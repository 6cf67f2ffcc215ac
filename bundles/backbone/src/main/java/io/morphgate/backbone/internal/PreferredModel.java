package io.morphgate.backbone.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The model the operator chose last ({@code model activate}), kept in the backbone's data area so that a restart
 * serves it again as soon as its bundle is found. Written with an atomic move: a crash leaves the old choice or the
 * new one.
 */
final class PreferredModel {

    private static final System.Logger LOG = System.getLogger(PreferredModel.class.getName());

    private final Path file;
    private volatile Optional<String> id;

    PreferredModel(Path file) {
        this.file = file;
        this.id = load(file);
    }

    Optional<String> id() {
        return id;
    }

    void set(String modelId) {
        id = Optional.of(modelId);
        if (file == null) {
            return;
        }
        try {
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(temporary, modelId + "\n", StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not store the chosen model " + modelId + " (it serves, but a restart may"
                    + " serve another): " + e.getMessage());
        }
    }

    private static Optional<String> load(Path file) {
        if (file == null || !Files.exists(file)) {
            return Optional.empty();
        }
        try {
            String stored = Files.readString(file, StandardCharsets.UTF_8).strip();
            return stored.isEmpty() ? Optional.empty() : Optional.of(stored);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not read the chosen model from " + file + ": " + e.getMessage());
            return Optional.empty();
        }
    }
}
