package io.morphgate.policy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileStoreTest {

    @TempDir
    Path dir;

    @Test
    void profilesSurviveAReopenAndAChangedDigestMisses() {
        Path file = dir.resolve("data/profiles.json");
        ProfileStore store = ProfileStore.open(file);
        ProfileStore.Entry entry = new ProfileStore.Entry("d1", 0.12, 0.3, 50, 9_000_000, 98_000, 392_000, "now", 0.14);
        store.put("backbone-a", "lowrank-conv1-b0.5", entry);
        ProfileStore reopened = ProfileStore.open(file);
        assertEquals(entry, reopened.find("backbone-a", "lowrank-conv1-b0.5", "d1").orElseThrow());
        assertTrue(reopened.find("backbone-a", "lowrank-conv1-b0.5", "d2").isEmpty(), "variant changed");
        assertTrue(reopened.find("backbone-b", "lowrank-conv1-b0.5", "d1").isEmpty(), "other backbone");
    }

    @Test
    void anUnreadableFileMeansProfilingAgain() throws IOException {
        Path file = dir.resolve("profiles.json");
        Files.writeString(file, "{ not json");
        assertEquals(0, ProfileStore.open(file).size());
    }
}
