package io.morphgate.status.page.internal;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;

import io.morphgate.api.policy.PolicyDecision;
import io.morphgate.wire.BundleStates;
import io.morphgate.wire.PolicyJson;

/**
 * The policy part of the status: whether a policy bundle is installed and in which state, and its recent decisions
 * (newest first) as {@link PolicyDecisions} heard them, in the form of {@code event/policy}.
 */
final class PolicySection {

    static final String POLICY_BUNDLE_PREFIX = "io.morphgate.policy";

    private PolicySection() {
    }

    static JsonObject json(BundleContext context, List<PolicyDecision> decisions) {
        Optional<Bundle> policy = Arrays.stream(context.getBundles())
                .filter(b -> b.getSymbolicName() != null && b.getSymbolicName().startsWith(POLICY_BUNDLE_PREFIX))
                .findFirst();
        JsonObject json = new JsonObject();
        json.addProperty("installed", policy.isPresent());
        if (policy.isPresent()) {
            JsonObject bundle = new JsonObject();
            bundle.addProperty("bundleId", policy.get().getBundleId());
            bundle.addProperty("symbolicName", policy.get().getSymbolicName());
            bundle.addProperty("version", policy.get().getVersion().toString());
            bundle.addProperty("state", BundleStates.name(policy.get().getState()));
            json.add("bundle", bundle);
        } else {
            json.add("bundle", JsonNull.INSTANCE);
        }
        json.add("decisions", decisions(decisions));
        return json;
    }

    /** The decisions, each as {@code event/policy} carries it (with its unknown figures as null). */
    static JsonArray decisions(List<PolicyDecision> decisions) {
        JsonArray list = new JsonArray();
        decisions.forEach(d -> list.add(PolicyJson.decision(d)));
        return list;
    }
}
