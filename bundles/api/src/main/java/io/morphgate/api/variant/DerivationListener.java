package io.morphgate.api.variant;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard service told how operators' background derivations go, e.g. to publish it as events: when one starts,
 * as slots are done, and when it ends. Called on the deriving operator's own thread, so it must return quickly;
 * rate-limiting is the listener's business (it may be told after every variant).
 *
 * @since 1.3
 */
@ConsumerType
public interface DerivationListener {

    /** A derivation moved on. */
    void progressed(DerivationProgress progress);
}
