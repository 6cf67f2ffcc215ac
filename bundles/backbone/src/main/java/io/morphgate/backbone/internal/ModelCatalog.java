package io.morphgate.backbone.internal;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Pattern;

import io.morphgate.api.slot.SlotCatalog;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.slot.SlotWeights;
import io.morphgate.api.slot.TrainedVariant;

/**
 * The slots of one serving model, registered as a {@link SlotCatalog} service while that model serves. Operators
 * build their variants from it; a new model means a new registration, so they build again.
 */
final class ModelCatalog implements SlotCatalog {

    /** Where a model bundle keeps the variants trained for it, beside its descriptor. */
    static final String TRAINED = "variants/";
    private static final Pattern VARIANT_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private final BackboneArtifacts artifacts;
    private final Calibration calibration;

    ModelCatalog(BackboneArtifacts artifacts, Calibration calibration) {
        this.artifacts = artifacts;
        this.calibration = calibration;
    }

    @Override
    public String backboneId() {
        return artifacts.backboneId();
    }

    @Override
    public List<SlotSpec> slots() {
        return artifacts.slots();
    }

    @Override
    public Optional<SlotSpec> slot(String name) {
        return artifacts.slot(name);
    }

    @Override
    public Optional<SlotWeights> weights(String slot) {
        return artifacts.weights(slot);
    }

    @Override
    public List<float[]> calibrationInputs(String slot) {
        return calibration.slotInputs(slot);
    }

    @Override
    public Optional<TrainedVariant> trainedVariant(String variantId) {
        if (!VARIANT_ID.matcher(variantId).matches()) {
            return Optional.empty();
        }
        Optional<byte[]> graph = artifacts.file(TRAINED + variantId + ".onnx");
        Optional<byte[]> metadata = artifacts.file(TRAINED + variantId + ".json");
        return graph.isPresent() && metadata.isPresent()
                ? Optional.of(new TrainedVariant(variantId, graph.get(), metadata.get())) : Optional.empty();
    }

    @Override
    public Optional<String> modelId() {
        return Optional.of(artifacts.id());
    }

    @Override
    public Optional<String> modelSha256() {
        return Optional.of(artifacts.sha256());
    }

    @Override
    public OptionalDouble fullModelAccuracy() {
        Double accuracy = artifacts.descriptor().testAccuracy();
        return accuracy == null ? OptionalDouble.empty() : OptionalDouble.of(accuracy);
    }
}
