package io.morphgate.operator.kit;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.osgi.framework.BundleContext;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;

import io.morphgate.api.slot.SlotCatalog;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.variant.OperatorKind;
import io.morphgate.api.variant.Provenance;
import io.morphgate.api.variant.VariantDescriptor;
import io.morphgate.onnx.GraphException;
import io.morphgate.onnx.OnnxModelIO;

/**
 * Derived variants kept in the operator bundle's data area, so that a variant is derived once per model file and
 * setting, not at every start of the bundle: deriving evaluates each slot on the model's calibration images, which
 * takes seconds per slot, and a start job waits for the operator's whole offer. A variant is filed in a folder per
 * bundle version (another version may derive differently), then per model id and SHA-256 of the model's ONNX file
 * ({@link SlotCatalog#modelId()}, {@link SlotCatalog#modelSha256()}): a new version of a model keeps its id, and
 * possibly its backbone id (a hand-kept {@code slots.json} names one), but never its file's hash, so it never reads
 * what was derived from the old weights. Within that folder the entry is named after the backbone, the operator, the
 * slot and the setting. A catalog that does not name its file gets nothing kept. What is read back goes through
 * {@link BlockVariant#of} like any variant, so a damaged file costs a new derivation, never a bad variant.
 */
public final class DerivedVariantCache {

    private static final System.Logger LOG = System.getLogger(DerivedVariantCache.class.getName());

    /** What is filed beside the sub-graph. */
    record Entry(String id, OperatorKind kind, Map<String, String> hyperParameters, String provenanceDetail) {
    }

    /** A model id as descriptors allow it, safe as a folder name; another is filed under "model". */
    private static final Pattern MODEL_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final Path directory;

    private DerivedVariantCache(Path directory) {
        this.directory = directory;
    }

    /** The cache in the bundle's data area; none when the framework has no file system support. */
    public static DerivedVariantCache in(BundleContext context) {
        var data = context.getDataFile("derived-variants");
        return data == null ? none() : at(data.toPath().resolve(context.getBundle().getVersion().toString()));
    }

    /** A cache in {@code directory}. */
    public static DerivedVariantCache at(Path directory) {
        return new DerivedVariantCache(directory);
    }

    /** No cache: every variant is derived. */
    public static DerivedVariantCache none() {
        return new DerivedVariantCache(null);
    }

    /**
     * The variant derived before from this model file, for this operator, slot and setting, if one was kept and still
     * reads; empty when the catalog does not name its model file.
     *
     * @since 1.2
     */
    public Optional<BlockVariant> read(SlotCatalog catalog, String operator, SlotSpec slot, Object setting) {
        return folder(catalog).flatMap(f -> read(f, catalog.backboneId(), operator, slot, setting));
    }

    /**
     * Keeps {@code variant}, derived from the catalog's model file; nothing when the catalog does not name it.
     *
     * @since 1.2
     */
    public void write(SlotCatalog catalog, String operator, SlotSpec slot, Object setting, BlockVariant variant) {
        folder(catalog).ifPresent(f -> write(f, catalog.backboneId(), operator, slot, setting, variant));
    }

    /**
     * The variant derived before for this backbone id, operator, slot and setting. Keyed by the backbone id alone,
     * which a hand-kept {@code slots.json} may leave unchanged across new weights: prefer
     * {@link #read(SlotCatalog, String, SlotSpec, Object)}.
     */
    public Optional<BlockVariant> read(String backboneId, String operator, SlotSpec slot, Object setting) {
        return read(directory, backboneId, operator, slot, setting);
    }

    /** Keeps {@code variant} under the backbone id alone: prefer the {@link SlotCatalog} form. */
    public void write(String backboneId, String operator, SlotSpec slot, Object setting, BlockVariant variant) {
        write(directory, backboneId, operator, slot, setting, variant);
    }

    /** The folder of the catalog's model file, when there is a cache and the catalog names its file. */
    private Optional<Path> folder(SlotCatalog catalog) {
        if (directory == null) {
            return Optional.empty();
        }
        Optional<String> sha256 = catalog.modelSha256().filter(s -> SHA256.matcher(s).matches());
        if (sha256.isEmpty()) {
            LOG.log(Level.DEBUG, "backbone {0} names no model file: derived variants are not kept",
                    catalog.backboneId());
            return Optional.empty();
        }
        String model = catalog.modelId().filter(m -> MODEL_ID.matcher(m).matches()).orElse("model");
        return Optional.of(directory.resolve(model).resolve(sha256.get()));
    }

    private static Optional<BlockVariant> read(Path directory, String backboneId, String operator, SlotSpec slot,
            Object setting) {
        if (directory == null) {
            return Optional.empty();
        }
        Path file = file(directory, backboneId, operator, slot, setting);
        if (!Files.exists(file.resolveSibling(file.getFileName() + ".json"))) {
            return Optional.empty();
        }
        try {
            Entry e = new Gson().fromJson(Files.readString(file.resolveSibling(file.getFileName() + ".json")),
                    Entry.class);
            if (e == null || e.id() == null || e.kind() == null || e.hyperParameters() == null
                    || e.provenanceDetail() == null) {
                throw new JsonParseException("incomplete entry");
            }
            return Optional.of(BlockVariant.of(e.id(), e.kind(), slot, e.hyperParameters(), Provenance.DERIVED,
                    e.provenanceDetail(), OnnxModelIO.read(Files.readAllBytes(file.resolveSibling(
                            file.getFileName() + ".onnx")))));
        } catch (IOException | JsonParseException | GraphException | IllegalArgumentException e) {
            LOG.log(Level.WARNING, "kept variant {0} is unusable, deriving it again: {1}", file, e.toString());
            return Optional.empty();
        }
    }

    /** Keeps {@code variant}; a failure to write costs only a later derivation. */
    private static void write(Path directory, String backboneId, String operator, SlotSpec slot, Object setting,
            BlockVariant variant) {
        if (directory == null) {
            return;
        }
        Path file = file(directory, backboneId, operator, slot, setting);
        VariantDescriptor d = variant.descriptor();
        try {
            Files.createDirectories(directory);
            // the sub-graph first: the descriptor is what makes an entry visible
            replace(file.resolveSibling(file.getFileName() + ".onnx"), variant.subGraph());
            replace(file.resolveSibling(file.getFileName() + ".json"), new Gson().toJson(new Entry(d.id(), d.kind(),
                    d.hyperParameters(), d.provenanceDetail())).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot keep derived variant {0} in {1}: {2}", d.id(), directory, e.toString());
        }
    }

    private static void replace(Path target, byte[] content) throws IOException {
        Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
        Files.write(temporary, content);
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The entry's path without extension: a hash of everything the derivation depends on. */
    private static Path file(Path directory, String backboneId, String operator, SlotSpec slot, Object setting) {
        String key = String.join("\n", backboneId, operator, slot.name(), slot.input().toString(),
                slot.output().toString(), String.valueOf(slot.kernelSize()), String.valueOf(setting));
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return directory.resolve(HexFormat.of().formatHex(hash));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
