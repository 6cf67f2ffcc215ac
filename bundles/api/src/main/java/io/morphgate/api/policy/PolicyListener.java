package io.morphgate.api.policy;

import org.osgi.annotation.versioning.ConsumerType;

/** Whiteboard service told about every decision of the policy, e.g. to publish it as an event. */
@ConsumerType
public interface PolicyListener {

    /** The policy decided; called on the policy's own thread, after the outcome is known. */
    void decided(PolicyDecision decision);
}
