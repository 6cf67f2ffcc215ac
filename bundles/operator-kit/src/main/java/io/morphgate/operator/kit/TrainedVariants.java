package io.morphgate.operator.kit;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.morphgate.api.slot.SlotCatalog;
import io.morphgate.api.variant.Provenance;
import io.morphgate.onnx.GraphException;
import io.morphgate.onnx.OnnxModelIO;

/**
 * Trained parameters shipped inside an operator bundle (parameter separation): {@code variants/<id>.onnx}, the
 * variant's sub-graph with its trained weights and its own BN statistics, and {@code variants/<id>.json}, how it was
 * trained and what it scored. The cloud trainer writes both. A trained variant replaces the fixed-seed one with the
 * same id, but only when it was trained against the backbone the gateway runs: parameters trained for another
 * backbone would be meaningless in this one.
 */
public final class TrainedVariants {

    private static final System.Logger LOG = System.getLogger(TrainedVariants.class.getName());
    private static final String FOLDER = "variants/";

    /** The metadata file the trainer writes beside each trained sub-graph. */
    record Metadata(String id, String slot, String backboneId, double testAccuracy, String training) {
    }

    private TrainedVariants() {
    }

    /**
     * Each variant replaced by its trained version from {@code resources} when one ships for the backbone in
     * {@code catalog}; otherwise kept as it is.
     */
    public static List<BlockVariant> preferTrained(ClassLoader resources, SlotCatalog catalog,
            List<BlockVariant> variants) {
        List<BlockVariant> chosen = new ArrayList<>(variants.size());
        int trained = 0;
        for (BlockVariant variant : variants) {
            BlockVariant t = trained(resources, catalog, variant);
            trained += t != variant ? 1 : 0;
            chosen.add(t);
        }
        if (trained > 0) {
            LOG.log(Level.INFO, "{0} of {1} variants carry trained parameters for backbone {2}", trained,
                    variants.size(), catalog.backboneId());
        }
        return chosen;
    }

    private static BlockVariant trained(ClassLoader resources, SlotCatalog catalog, BlockVariant variant) {
        String id = variant.descriptor().id();
        try (InputStream json = resources.getResourceAsStream(FOLDER + id + ".json");
                InputStream onnx = resources.getResourceAsStream(FOLDER + id + ".onnx")) {
            if (json == null || onnx == null) {
                return variant;
            }
            Metadata meta = new Gson().fromJson(new InputStreamReader(json, StandardCharsets.UTF_8), Metadata.class);
            if (meta == null || !catalog.backboneId().equals(meta.backboneId())) {
                LOG.log(Level.WARNING, "variant {0}: shipped parameters were trained for backbone {1}, the gateway "
                        + "runs {2}; offering the untrained variant", id, meta == null ? "?" : meta.backboneId(),
                        catalog.backboneId());
                return variant;
            }
            ModelProto graph = OnnxModelIO.read(onnx);
            var slot = catalog.slot(variant.descriptor().slot()).orElseThrow();
            return BlockVariant.of(id, variant.descriptor().kind(), slot, variant.descriptor().hyperParameters(),
                    Provenance.TRAINED, meta.training(), graph, OptionalDouble.of(meta.testAccuracy()));
        } catch (IOException | JsonParseException | GraphException | IllegalArgumentException e) {
            LOG.log(Level.WARNING, "variant " + id + ": shipped trained parameters are unusable (" + e.getMessage()
                    + "); offering the untrained variant");
            return variant;
        }
    }
}
