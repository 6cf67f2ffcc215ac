package io.morphgate.api.model;

import java.util.Optional;

/**
 * A model bundle the gateway found, and what became of it.
 *
 * @param id         the model id ({@link ModelDescriptor#id()}); for a bundle whose descriptor cannot be read, the
 *                   bundle's symbolic name
 * @param version    the model version, or the bundle version
 * @param bundleId   the model bundle
 * @param sha256     SHA-256 of the ONNX file, hex; empty when it could not be read
 * @param state      what the gateway does with it
 * @param descriptor the descriptor, when it could be read
 * @param slots      slots found in the model
 * @param params     parameters of the full model
 * @param macs       multiply-accumulates per sample of the full model
 * @param problem    why the model was refused, or why it last failed to serve
 * @since 1.2
 */
public record InstalledModel(String id, String version, long bundleId, String sha256, State state,
        Optional<ModelDescriptor> descriptor, int slots, long params, long macs, Optional<String> problem) {

    /** What the gateway does with an installed model. */
    public enum State {
        /** Being read and checked (in the background, right after its bundle started). */
        LOADING,
        /** The model serves. */
        SERVING,
        /** Valid and ready to be activated. */
        AVAILABLE,
        /** Refused: its descriptor or ONNX file is unusable, or it failed its health check; {@code problem} says why. */
        REFUSED
    }
}
