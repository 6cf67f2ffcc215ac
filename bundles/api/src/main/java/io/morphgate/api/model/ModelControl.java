package io.morphgate.api.model;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Reads and steers the backbone's configuration. Registered by the backbone bundle.
 *
 * <p>Until a policy chooses, the rule for a slot is: its pinned variant if it is accepted, otherwise the accepted
 * variant for that slot with the highest service ranking, the most recently registered first among equals, otherwise
 * the default layer.
 */
@ProviderType
public interface ModelControl {

    /** The current status. */
    ModelStatus status();

    /**
     * Pins a slot to a variant. Completes when the configuration that results is serving, or exceptionally with an
     * {@link IllegalArgumentException} naming the unknown slot or variant.
     */
    CompletionStage<ModelStatus> pin(String slot, String variantId);

    /** Removes the pin of a slot; completes when the configuration that results is serving. */
    CompletionStage<ModelStatus> unpin(String slot);
}
