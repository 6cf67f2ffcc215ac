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

/**
 * The policy part of the status: whether a policy bundle is installed and in which state, and its recent decisions
 * (newest first) as {@link PolicyDecisions} heard them: when, why, what it chose, what became of it, and the figures.
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

    /** The decisions as the page renders them. */
    static JsonArray decisions(List<PolicyDecision> decisions) {
        JsonArray list = new JsonArray();
        for (PolicyDecision d : decisions) {
            JsonObject entry = new JsonObject();
            entry.addProperty("at", d.decidedAt().toString());
            entry.addProperty("trigger", d.trigger());
            entry.addProperty("outcome", d.outcome().name());
            JsonObject configuration = new JsonObject();
            configuration.addProperty("id", d.chosen().id());
            JsonObject bySlot = new JsonObject();
            d.chosen().variantBySlot().forEach(bySlot::addProperty);
            configuration.add("variantBySlot", bySlot);
            entry.add("configuration", configuration);
            addNumber(entry, "expectedAccuracy", d.expectedAccuracy());
            addNumber(entry, "predictedLatencyMillis", d.predictedLatencyMillis());
            addNumber(entry, "measuredLatencyMillis", d.measuredLatencyMillis());
            entry.addProperty("macs", d.macs());
            entry.addProperty("decisionMillis", d.decisionMillis());
            entry.addProperty("detail", d.detail());
            list.add(entry);
        }
        return list;
    }

    private static void addNumber(JsonObject json, String name, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            json.add(name, JsonNull.INSTANCE);
        } else {
            json.addProperty(name, value);
        }
    }
}
