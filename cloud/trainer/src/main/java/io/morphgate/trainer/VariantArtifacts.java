package io.morphgate.trainer;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import io.morphgate.api.variant.VariantDescriptor;
import io.morphgate.onnx.CostCounter;
import io.morphgate.onnx.OnnxModelIO;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.TreeMap;

/**
 * Writes a trained variant into its operator bundle: {@code variants/<id>.onnx} (input "input", output "output",
 * the builder's nodes) and {@code variants/<id>.json} with what the gateway and a person need to know about it.
 */
final class VariantArtifacts {

    /** One written variant. */
    record Written(String id, String operator, double testAccuracy, long params, long macs, Path onnx,
            double seconds) {
    }

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private final TrainerOptions options;
    private final String backboneId;
    private final int trainImages;

    VariantArtifacts(TrainerOptions options, String backboneId, int trainImages) {
        this.options = options;
        this.backboneId = backboneId;
        this.trainImages = trainImages;
    }

    Written write(VariantCatalog.Entry entry, VariantTraining.Result r) {
        VariantDescriptor d = entry.variant().descriptor();
        var cost = CostCounter.count(r.subGraph());
        JsonObject json = new JsonObject();
        json.addProperty("id", d.id());
        json.addProperty("slot", d.slot());
        json.addProperty("kind", d.kind().name());
        json.add("hyperParameters", GSON.toJsonTree(new TreeMap<>(d.hyperParameters())));
        json.addProperty("backboneId", backboneId);
        json.addProperty("testAccuracy", Math.round(r.testAccuracy() * 10000) / 10000.0);
        json.addProperty("params", cost.params());
        json.addProperty("macs", cost.macs());
        json.addProperty("training", String.format(Locale.ROOT, "%sfeature matching %d steps (MSE to the "
                + "trained backbone's slot output) then fine-tuning %d steps (variant only, backbone frozen; loss "
                + "%.1f x cross-entropy + %.1f x distillation from the full model at temperature %.0f), batch %d from "
                + "%d training images, Adam + cosine decay, seed %d; accuracy on %d test images",
                r.warmStarted() ? "warm start from the operator's closed-form derivation of the slot's trained "
                        + "kernel (BN recalibrated on " + VariantTraining.WARM_START_SAMPLES + " training images), then " : "from the operator's seeded "
                        + "values, ", options.matchSteps(), options.fineTuneSteps(),
                1 - VariantTraining.DISTILLATION_WEIGHT, VariantTraining.DISTILLATION_WEIGHT,
                VariantTraining.DISTILLATION_TEMPERATURE, options.batchSize(), trainImages, options.seed(),
                options.testLimit() > 0 ? options.testLimit() : 10000));
        Path dir = options.variantsDir(entry.operator());
        Path onnx = dir.resolve(d.id() + ".onnx");
        try {
            Files.createDirectories(dir);
            OnnxModelIO.write(r.subGraph(), onnx);
            Files.writeString(dir.resolve(d.id() + ".json"), GSON.toJson(json) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write variant " + d.id() + " into " + dir, e);
        }
        return new Written(d.id(), entry.operator(), r.testAccuracy(), cost.params(), cost.macs(), onnx,
                r.seconds());
    }
}
