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

import org.osgi.framework.BundleContext;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;

import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.variant.OperatorKind;
import io.morphgate.api.variant.Provenance;
import io.morphgate.api.variant.VariantDescriptor;
import io.morphgate.onnx.GraphException;
import io.morphgate.onnx.OnnxModelIO;

/**
 * Derived variants kept in the operator bundle's data area, so that a variant is derived once per backbone and
 * setting, not at every start of the bundle: deriving evaluates each slot on the backbone's calibration images, which
 * takes seconds, and a start job waits for the operator's whole offer. A variant is filed under the backbone it was
 * derived from, the operator, the slot and the setting, in a folder per bundle version (another version may derive
 * differently). What is read back goes through {@link BlockVariant#of} like any variant, so a damaged file costs a
 * new derivation, never a bad variant.
 */
public final class DerivedVariantCache {

    private static final System.Logger LOG = System.getLogger(DerivedVariantCache.class.getName());

    /** What is filed beside the sub-graph. */
    record Entry(String id, OperatorKind kind, Map<String, String> hyperParameters, String provenanceDetail) {
    }

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

    /** The variant derived before for this backbone, operator, slot and setting, if one was kept and still reads. */
    public Optional<BlockVariant> read(String backboneId, String operator, SlotSpec slot, Object setting) {
        if (directory == null) {
            return Optional.empty();
        }
        Path file = file(backboneId, operator, slot, setting);
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
    public void write(String backboneId, String operator, SlotSpec slot, Object setting, BlockVariant variant) {
        if (directory == null) {
            return;
        }
        Path file = file(backboneId, operator, slot, setting);
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
    private Path file(String backboneId, String operator, SlotSpec slot, Object setting) {
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
