package io.morphgate.api.slot;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The slots of the backbone that runs on this gateway, registered by the backbone bundle. Operator bundles use it to
 * decide which variants they can offer.
 */
@ProviderType
public interface SlotCatalog {

    /** Identity of the backbone parameters (changes when the backbone is retrained). */
    String backboneId();

    /** All slots, in backbone order. */
    List<SlotSpec> slots();

    /** The slot with this name, if any. */
    Optional<SlotSpec> slot(String name);

    /** The trained parameters of the slot's default layer, for variants derived from them. */
    Optional<SlotWeights> weights(String slot);
}
