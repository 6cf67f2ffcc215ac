package io.morphgate.operator.kit;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.morphgate.api.slot.SlotCatalog;
import io.morphgate.api.slot.TrainedVariant;
import io.morphgate.api.variant.Provenance;
import io.morphgate.onnx.GraphException;
import io.morphgate.onnx.OnnxModelIO;

/**
 * Trained parameters shipped with the model (parameter separation; {@link SlotCatalog#trainedVariant}): the variant's
 * sub-graph with its trained weights and its own BN statistics, and how it was trained and what it scored. The cloud
 * trainer writes both. A trained variant replaces the fixed-seed one with the same id, but only when it was trained
 * against the backbone the gateway runs: parameters trained for another backbone would be meaningless in this one.
 * The operator bundles themselves carry no parameters of any model.
 */
public final class TrainedVariants {

    private static final System.Logger LOG = System.getLogger(TrainedVariants.class.getName());

    /** The metadata file the trainer writes beside each trained sub-graph. */
    record Metadata(String id, String slot, String backboneId, double testAccuracy, String training) {
    }

    private TrainedVariants() {
    }

    /**
     * Each variant replaced by its trained version when the model in {@code catalog} ships one trained for its
     * backbone; otherwise kept as it is.
     */
    public static List<BlockVariant> preferTrained(SlotCatalog catalog, List<BlockVariant> variants) {
        List<BlockVariant> chosen = new ArrayList<>(variants.size());
        int trained = 0;
        for (BlockVariant variant : variants) {
            BlockVariant t = trained(catalog, variant);
            trained += t != variant ? 1 : 0;
            chosen.add(t);
        }
        if (trained > 0) {
            LOG.log(Level.INFO, "{0} of {1} variants carry trained parameters for backbone {2}", trained,
                    variants.size(), catalog.backboneId());
        }
        return chosen;
    }

    private static BlockVariant trained(SlotCatalog catalog, BlockVariant variant) {
        String id = variant.descriptor().id();
        try {
            Optional<TrainedVariant> shipped = catalog.trainedVariant(id);
            if (shipped.isEmpty()) {
                return variant;
            }
            Metadata meta = new Gson().fromJson(new String(shipped.get().metadata(), StandardCharsets.UTF_8),
                    Metadata.class);
            if (meta == null || !catalog.backboneId().equals(meta.backboneId())) {
                LOG.log(Level.WARNING, "variant {0}: shipped parameters were trained for backbone {1}, the gateway "
                        + "runs {2}; offering the untrained variant", id, meta == null ? "?" : meta.backboneId(),
                        catalog.backboneId());
                return variant;
            }
            ModelProto graph = OnnxModelIO.read(shipped.get().subGraph());
            var slot = catalog.slot(variant.descriptor().slot()).orElseThrow();
            return BlockVariant.of(id, variant.descriptor().kind(), slot, variant.descriptor().hyperParameters(),
                    Provenance.TRAINED, meta.training(), graph, OptionalDouble.of(meta.testAccuracy()));
        } catch (JsonParseException | GraphException | IllegalArgumentException e) {
            LOG.log(Level.WARNING, "variant " + id + ": shipped trained parameters are unusable (" + e.getMessage()
                    + "); offering the untrained variant");
            return variant;
        }
    }
}
