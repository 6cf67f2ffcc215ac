package io.morphgate.backbone.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PinStoreTest {

    @Test
    void pinsSavedAreLoadedByTheNextStore(@TempDir Path dir) {
        Path file = dir.resolve("data/runtime-pins.properties");
        new PinStore(file).save(Map.of("conv2", "lowrank-conv2-b0.5", "conv3", "default"));
        assertEquals(Map.of("conv2", "lowrank-conv2-b0.5", "conv3", "default"), new PinStore(file).load());
        assertFalse(Files.exists(file.resolveSibling("runtime-pins.properties.tmp")), "no temporary file left");
    }

    @Test
    void savingReplacesThePreviousSetAndAnEmptySetClearsIt(@TempDir Path dir) {
        Path file = dir.resolve("runtime-pins.properties");
        PinStore store = new PinStore(file);
        store.save(Map.of("conv1", "a", "conv2", "b"));
        store.save(Map.of("conv2", "c"));
        assertEquals(Map.of("conv2", "c"), store.load());
        store.save(Map.of());
        assertEquals(Map.of(), store.load());
    }

    @Test
    void noFileOrNoDataAreaMeansNoPins(@TempDir Path dir) {
        assertEquals(Map.of(), new PinStore(dir.resolve("absent.properties")).load());
        PinStore memoryOnly = new PinStore(null);
        memoryOnly.save(Map.of("conv1", "a"));
        assertEquals(Map.of(), memoryOnly.load());
    }

    @Test
    void anUnreadableFileIsLoggedAndIgnored(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("runtime-pins.properties");
        Files.writeString(file, "conv1=\\uZZZZ\n", StandardCharsets.ISO_8859_1); // a malformed \\u escape
        assertEquals(Map.of(), new PinStore(file).load());
    }

    @Test
    void aFailedSaveLeavesThePreviousFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("runtime-pins.properties");
        PinStore store = new PinStore(file);
        store.save(Map.of("conv1", "a"));
        Files.createDirectory(file.resolveSibling("runtime-pins.properties.tmp")); // the temporary cannot be written
        store.save(Map.of("conv1", "b"));
        assertEquals(Map.of("conv1", "a"), store.load());
        assertTrue(Files.isDirectory(file.resolveSibling("runtime-pins.properties.tmp")));
    }
}
