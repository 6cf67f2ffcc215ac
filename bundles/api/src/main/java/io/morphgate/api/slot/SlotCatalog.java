package io.morphgate.api.slot;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The slots of the model that serves on this gateway, registered by the backbone bundle once the model serves and
 * withdrawn when another model takes its place (service property {@link #MODEL_ID}): an operator component that
 * references it statically is deactivated with the old model and activated again for the new one. Operator bundles
 * use it to decide which variants they can offer.
 */
@ProviderType
public interface SlotCatalog {

    /** Service property: the id of the model the catalog describes ({@code ModelDescriptor.id()}). */
    String MODEL_ID = "morphgate.model.id";

    /** Identity of the backbone parameters (changes when the backbone is retrained). */
    String backboneId();

    /** All slots, in backbone order. */
    List<SlotSpec> slots();

    /** The slot with this name, if any. */
    Optional<SlotSpec> slot(String name);

    /** The trained parameters of the slot's default layer, for variants derived from them. */
    Optional<SlotWeights> weights(String slot);

    /**
     * What enters the slot when the backbone runs on its calibration images (a small sample of real training data
     * shipped with the backbone): one row-major C*H*W array per image, computed once and shared. Operators use it
     * to recalibrate the batch norm of derived variants and to measure their output error. Empty when the backbone
     * ships no calibration images or the slot is unknown.
     */
    List<float[]> calibrationInputs(String slot);

    /**
     * Test accuracy of the backbone with every slot on its default layer, as its trainer measured it; empty when the
     * backbone does not say. Variants' {@code expectedAccuracy} is measured on the same test set.
     *
     * @since 1.1
     */
    OptionalDouble fullModelAccuracy();

    /**
     * Parameters trained in the cloud for variant {@code variantId} of this model, shipped with the model (its
     * {@code variants/<id>.onnx} and {@code variants/<id>.json}); empty when the model ships none for that id. The
     * operator checks that they were trained for this backbone before it uses them.
     *
     * @since 1.3
     */
    Optional<TrainedVariant> trainedVariant(String variantId);

    /**
     * Id of the model the slots belong to ({@code ModelDescriptor.id()}, as {@link #MODEL_ID}). With
     * {@link #modelSha256()} it names the exact file the slots were read from, which is what results computed from
     * them (derived variants) are kept under. Empty when the provider does not say (API 1.4 providers).
     *
     * @since 1.5
     */
    default Optional<String> modelId() {
        return Optional.empty();
    }

    /**
     * SHA-256 of the model's ONNX file, lower-case hex: a new version of a model keeps its id but not this, so
     * nothing derived from the old file is taken for the new one. Empty when the provider does not say; then nothing
     * derived from these slots may be kept across starts.
     *
     * @since 1.5
     */
    default Optional<String> modelSha256() {
        return Optional.empty();
    }
}
