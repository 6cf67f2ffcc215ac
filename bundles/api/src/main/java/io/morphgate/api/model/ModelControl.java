package io.morphgate.api.model;

import java.util.Collection;
import java.util.Map;
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

    /**
     * Pins several slots at once, in one swap: each value is a variant id or {@code default} (the slot's default
     * layer). Completes when the configuration that results is serving; nothing changes if a slot or variant is
     * unknown (the stage then fails with an {@link IllegalArgumentException} naming it).
     */
    CompletionStage<ModelStatus> pin(Map<String, String> variantBySlot);

    /** Removes the pins of several slots at once, in one swap. */
    CompletionStage<ModelStatus> unpin(Collection<String> slots);
}
