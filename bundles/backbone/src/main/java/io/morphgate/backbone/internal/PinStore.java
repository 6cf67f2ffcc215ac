package io.morphgate.backbone.internal;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The pins set at runtime (ModelControl.pin, the MQTT {@code pin} verb), kept in the backbone bundle's data area so
 * that a restart of the bundle or of the gateway serves what the cloud last asked for. One {@code slot=variant} line
 * per pin; written to a temporary file and moved into place, so a crash leaves the old or the new set, never half of
 * one. Without a file (no bundle data area), pins live in memory only, as before.
 */
final class PinStore {

    private static final System.Logger LOG = System.getLogger(PinStore.class.getName());

    private final Path file;

    /** @param file where the pins are kept, or null to keep them in memory only */
    PinStore(Path file) {
        this.file = file;
    }

    /** The pins stored, or none when there is no file or it cannot be read (logged). */
    Map<String, String> load() {
        if (file == null || !Files.isRegularFile(file)) {
            return Map.of();
        }
        Properties stored = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            stored.load(in);
        } catch (IOException | IllegalArgumentException e) {
            LOG.log(Level.WARNING, "cannot read the runtime pins from " + file + ", starting without them: " + e);
            return Map.of();
        }
        Map<String, String> pins = new TreeMap<>();
        stored.stringPropertyNames().forEach(slot -> pins.put(slot, stored.getProperty(slot)));
        return pins;
    }

    /** Replaces the stored pins with {@code pins}; a failure is logged and the pins stay in force in memory. */
    void save(Map<String, String> pins) {
        if (file == null) {
            return;
        }
        Properties stored = new Properties();
        stored.putAll(pins);
        try {
            Files.createDirectories(file.getParent());
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            try (Writer out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
                stored.store(out, "Morphgate runtime pins: slot=variant (written by the backbone)");
            }
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot store the runtime pins " + pins + " in " + file
                    + ": they hold until the backbone restarts: " + e);
        }
    }
}
