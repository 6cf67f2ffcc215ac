package io.morphgate.status.page.internal;

import java.util.Arrays;
import java.util.Optional;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;

/**
 * PLACE FOR THE POLICY. The policy bundle (bundles/policy, symbolic name io.morphgate.policy) is being written in
 * parallel and has no API for its decisions yet. Until it has, this section says whether a policy bundle is installed
 * and in which state, and {@code decisions} stays empty. When the policy publishes its decisions (e.g. a
 * PolicyStatus service in bundles/api), fill {@code decisions} here; the page renders each entry's {@code at},
 * {@code configuration.id} and {@code reason}.
 */
final class PolicySection {

    static final String POLICY_BUNDLE_PREFIX = "io.morphgate.policy";

    private PolicySection() {
    }

    static JsonObject json(BundleContext context) {
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
        json.add("decisions", new JsonArray());
        return json;
    }
}
