package io.morphgate.control.mqtt.internal.command;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The replies already sent, one file per request id ({@code <requestId>.json}), so that a replayed request id gets
 * the stored reply instead of running again, across restarts. Each file is written to a temporary file and moved
 * into place atomically; only the index (request ids, oldest first) is kept in memory, and beyond
 * {@code capacity} the oldest replies are deleted.
 */
public final class ReplyStore {

    private static final System.Logger LOG = System.getLogger(ReplyStore.class.getName());
    private static final String SUFFIX = ".json";

    private final Path directory;
    private final int capacity;
    private final LinkedHashSet<String> order = new LinkedHashSet<>();

    public ReplyStore(Path directory, int capacity) {
        this.directory = directory;
        this.capacity = capacity;
        try {
            Files.createDirectories(directory);
            try (Stream<Path> files = Files.list(directory)) {
                files.filter(f -> f.getFileName().toString().endsWith(SUFFIX))
                        .sorted(Comparator.comparing(ReplyStore::modified).thenComparing(Path::toString))
                        .forEach(f -> order.add(requestId(f)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the reply store " + directory, e);
        }
        evict();
    }

    /** The stored reply (JSON text) for {@code requestId}, if any. */
    public synchronized Optional<String> find(String requestId) {
        if (!order.contains(requestId)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(file(requestId), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            order.remove(requestId);
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the stored reply of " + requestId, e);
        }
    }

    /** Stores (or replaces) the reply for {@code requestId}; it becomes the newest. */
    public synchronized void put(String requestId, String replyJson) {
        Path target = file(requestId);
        try {
            Path temp = Files.createTempFile(directory, ".reply-", ".tmp");
            try {
                Files.writeString(temp, replyJson, StandardCharsets.UTF_8);
                move(temp, target);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the reply of " + requestId, e);
        }
        order.remove(requestId);
        order.add(requestId);
        evict();
    }

    public synchronized int size() {
        return order.size();
    }

    private void evict() {
        while (order.size() > capacity) {
            String oldest = order.iterator().next();
            order.remove(oldest);
            try {
                Files.deleteIfExists(file(oldest));
            } catch (IOException e) {
                LOG.log(Level.WARNING, "cannot delete old reply " + oldest + ": " + e);
            }
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private Path file(String requestId) {
        if (!Arguments.ID.matcher(requestId).matches()) {
            throw new IllegalArgumentException("not a request id: " + requestId);
        }
        return directory.resolve(requestId + SUFFIX);
    }

    private static String requestId(Path file) {
        String name = file.getFileName().toString();
        return name.substring(0, name.length() - SUFFIX.length());
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
