package io.morphgate.policy.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.reflect.TypeToken;

/**
 * Profiles measured on this device, kept in a JSON file in the bundle's data area so that a restart does not profile
 * again. An entry is keyed by backbone id and variant id ({@code default} for the default configuration) and holds a
 * digest of what was profiled: a variant whose descriptor or bundle changed, or a new backbone, misses the store.
 */
final class ProfileStore {

    private static final System.Logger LOG = System.getLogger(ProfileStore.class.getName());
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    /**
     * One profiled configuration (the default one, or one variant swapped in alone). {@code defaultMillis} is the
     * default configuration's median timed just before it (0 for the default itself): latencies drift with what else
     * runs on the device, so a variant's latency change is taken against a default measured at the same moment.
     */
    record Entry(String digest, double medianMillis, double p99Millis, int runs, long macs, long params,
            long weightBytes, String measuredAt, double defaultMillis) {

        /** The change of latency against the default configuration, or against {@code base} if not paired. */
        double latencyChange(Entry base) {
            return medianMillis - (defaultMillis > 0 ? defaultMillis : base.medianMillis());
        }
    }

    private final Path file;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    private ProfileStore(Path file) {
        this.file = file;
    }

    /** The store in {@code file}; an unreadable file is logged and treated as empty (everything is profiled again). */
    static ProfileStore open(Path file) {
        ProfileStore store = new ProfileStore(file);
        if (file != null && Files.isRegularFile(file)) {
            try {
                Map<String, Entry> read = GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8),
                        new TypeToken<Map<String, Entry>>() { }.getType());
                if (read != null) {
                    store.entries.putAll(read);
                }
                LOG.log(Level.INFO, "{0} profiles read from {1}", store.entries.size(), file);
            } catch (IOException | JsonParseException e) {
                LOG.log(Level.WARNING, "profiles in " + file + " cannot be read, profiling again: " + e.getMessage());
            }
        }
        return store;
    }

    /** The stored profile, if its digest matches. */
    Optional<Entry> find(String backboneId, String variantId, String digest) {
        Entry e = entries.get(key(backboneId, variantId));
        return e != null && e.digest().equals(digest) ? Optional.of(e) : Optional.empty();
    }

    /** Stores a profile and writes the file (atomically: a crash leaves the old file or the new one). */
    synchronized void put(String backboneId, String variantId, Entry entry) {
        entries.put(key(backboneId, variantId), entry);
        if (file == null) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(temporary, GSON.toJson(new TreeMap<>(entries)), StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "profiles cannot be written to " + file + ": " + e.getMessage());
        }
    }

    int size() {
        return entries.size();
    }

    private static String key(String backboneId, String variantId) {
        return backboneId + "|" + variantId;
    }
}
