package io.morphgate.deployment.internal;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.reflect.TypeToken;

/**
 * The jobs on disk: one JSON file per request id under {@code jobs/}, replaced atomically at every stage, and which
 * bundles each installed feature brought, under {@code features/}. The newest {@code keep} ended jobs are kept.
 */
final class JobJournal {

    private static final System.Logger LOG = System.getLogger(JobJournal.class.getName());
    private static final Pattern PLAIN_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    private final Gson gson = new GsonBuilder().setPrettyPrinting().create();
    private final Path jobs;
    private final Path features;
    private final int keep;

    JobJournal(Path directory, int keep) throws IOException {
        this.jobs = Files.createDirectories(directory.resolve("jobs"));
        this.features = Files.createDirectories(directory.resolve("features"));
        this.keep = keep;
    }

    synchronized Optional<JobRecord> read(String requestId) {
        return readFile(jobs.resolve(fileName(requestId) + ".json"));
    }

    synchronized void write(JobRecord record) {
        record.updatedMillis = System.currentTimeMillis();
        writeAtomically(jobs.resolve(fileName(record.requestId) + ".json"), gson.toJson(record));
    }

    /** Forgets a request that was refused before it ran, so that the same id may be sent again. */
    synchronized void forget(String requestId) {
        try {
            Files.deleteIfExists(jobs.resolve(fileName(requestId) + ".json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Jobs that had not ended when the gateway stopped. */
    synchronized List<JobRecord> unfinished() throws IOException {
        return all().stream().filter(r -> !r.ended).toList();
    }

    /** Deletes the oldest ended jobs beyond {@code keep}. */
    synchronized void prune() throws IOException {
        List<JobRecord> ended = new ArrayList<>(all().stream().filter(r -> r.ended).toList());
        ended.sort(Comparator.comparingLong((JobRecord r) -> r.updatedMillis).reversed());
        for (JobRecord old : ended.subList(Math.min(keep, ended.size()), ended.size())) {
            Files.deleteIfExists(jobs.resolve(fileName(old.requestId) + ".json"));
        }
    }

    synchronized void recordFeature(String featureId, List<String> locations) {
        writeAtomically(features.resolve(fileName(featureId) + ".json"), gson.toJson(locations));
    }

    synchronized Optional<List<String>> featureLocations(String featureId) {
        Path file = features.resolve(fileName(featureId) + ".json");
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try (Reader in = Files.newBufferedReader(file)) {
            return Optional.of(gson.fromJson(in, new TypeToken<List<String>>() { }.getType()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized void forgetFeature(String featureId) throws IOException {
        Files.deleteIfExists(features.resolve(fileName(featureId) + ".json"));
    }

    private List<JobRecord> all() throws IOException {
        List<JobRecord> records = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(jobs, "*.json")) {
            for (Path f : files) {
                readFile(f).ifPresent(records::add);
            }
        }
        return records;
    }

    private Optional<JobRecord> readFile(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try (Reader in = Files.newBufferedReader(file)) {
            return Optional.ofNullable(gson.fromJson(in, JobRecord.class));
        } catch (IOException | JsonParseException e) {
            LOG.log(Level.ERROR, "unreadable job file {0} ignored: {1}", file, e.toString());
            return Optional.empty();
        }
    }

    private static void writeAtomically(Path file, String json) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                out.write(json);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Request ids come from the wire: plain ones name their file, others are hashed. */
    static String fileName(String id) {
        if (PLAIN_ID.matcher(id).matches()) {
            return id;
        }
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return "h-" + java.util.HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
