package io.morphgate.api.model;

import org.osgi.annotation.versioning.ConsumerType;

/** Whiteboard service told about swaps and refusals, e.g. to publish them as events. Called off the serving path. */
@ConsumerType
public interface ModelListener {

    /** A new composed model is serving. */
    void swapped(SwapRecord swap);

    /** A variant was refused; the state carries the reason. */
    void refused(VariantState variant);
}
