package io.morphgate.status.page.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.osgi.service.component.annotations.Component;

import io.morphgate.api.policy.PolicyDecision;
import io.morphgate.api.policy.PolicyListener;

/**
 * The policy's recent decisions, as the status page shows them: a {@link PolicyListener} on the whiteboard, so the
 * page hears each decision the moment the policy makes it (the same decisions control-mqtt publishes on
 * {@code event/policy}). Keeps the last {@link #KEPT}.
 */
@Component(service = {PolicyListener.class, PolicyDecisions.class})
public class PolicyDecisions implements PolicyListener {

    static final int KEPT = 10;

    private final Deque<PolicyDecision> recent = new ArrayDeque<>();

    @Override
    public synchronized void decided(PolicyDecision decision) {
        recent.addFirst(decision);
        while (recent.size() > KEPT) {
            recent.removeLast();
        }
    }

    /** Newest first. */
    synchronized List<PolicyDecision> recent() {
        return new ArrayList<>(recent);
    }
}
