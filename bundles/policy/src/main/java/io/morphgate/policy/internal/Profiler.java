package io.morphgate.policy.internal;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

import io.morphgate.api.model.Configuration;
import io.morphgate.api.model.ConfigurationProfile;
import io.morphgate.api.model.ModelControl;
import io.morphgate.api.model.VariantState;
import io.morphgate.api.variant.VariantDescriptor;

/**
 * Profiles on this device, through the backbone: the default configuration, and each variant swapped in alone (batch
 * 1, a session of its own), each variant right after the default configuration so that its latency change is
 * measured against the same machine state. Profiles come from the store when what was profiled has not changed.
 */
final class Profiler {

    static final String DEFAULT = "default";
    private static final System.Logger LOG = System.getLogger(Profiler.class.getName());
    private static final long TIMEOUT_SECONDS = 60;

    private final ModelControl control;
    private final ProfileStore store;
    private final BundleContext context;
    private final int runs;

    Profiler(ModelControl control, ProfileStore store, BundleContext context, int runs) {
        this.control = control;
        this.store = store;
        this.context = context;
        this.runs = runs;
    }

    /** The profile of the default configuration; measured if the store has none for this backbone. */
    ProfileStore.Entry defaultConfiguration(String backboneId, Counter measured) {
        return store.find(backboneId, DEFAULT, backboneId)
                .orElseGet(() -> measure(backboneId, DEFAULT, backboneId, Configuration.DEFAULT, 0, measured));
    }

    /** The profile of the variant swapped in alone; empty if the backbone could not profile it (logged). */
    Optional<ProfileStore.Entry> variant(String backboneId, VariantState variant, Counter measured) {
        VariantDescriptor d = variant.descriptor();
        String digest = digest(backboneId, d, variant.bundleId());
        Optional<ProfileStore.Entry> stored = store.find(backboneId, d.id(), digest);
        if (stored.isPresent()) {
            return stored;
        }
        try {
            double defaultMillis = measure(Configuration.DEFAULT).medianLatencyMillis();
            return Optional.of(measure(backboneId, d.id(), digest, new Configuration(Map.of(d.slot(), d.id())),
                    defaultMillis, measured));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "variant {0} could not be profiled: {1}", d.id(), e.getMessage());
            return Optional.empty();
        }
    }

    /** Times a whole configuration now (not stored): the closed loop's measurement after a swap. */
    ConfigurationProfile measure(Configuration configuration) {
        return await(control.profile(configuration, runs).toCompletableFuture(), configuration);
    }

    private ProfileStore.Entry measure(String backboneId, String key, String digest, Configuration configuration,
            double defaultMillis, Counter measured) {
        ConfigurationProfile p = measure(configuration);
        ProfileStore.Entry entry = new ProfileStore.Entry(digest, p.medianLatencyMillis(), p.p99LatencyMillis(),
                p.runs(), p.macs(), p.params(), p.weightBytes(), Instant.now().toString(), defaultMillis);
        store.put(backboneId, key, entry);
        measured.increment();
        LOG.log(Level.INFO, String.format("profiled %s: median %.3f ms (default configuration just before: %.3f ms),"
                + " p99 %.3f ms, %,d MACs, %,d params", key, p.medianLatencyMillis(), defaultMillis,
                p.p99LatencyMillis(), p.macs(), p.params()));
        return entry;
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> future, Configuration configuration) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("profiling " + configuration.variantBySlot() + " failed: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("profiling " + configuration.variantBySlot() + " took over "
                    + TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while profiling", e);
        }
    }

    /** What a profile depends on: the backbone, the variant's descriptor and the bundle (name, version) it came from. */
    String digest(String backboneId, VariantDescriptor d, long bundleId) {
        StringBuilder canonical = new StringBuilder(backboneId).append('|').append(d.id()).append('|').append(d.kind())
                .append('|').append(d.slot()).append('|').append(new TreeMap<>(d.hyperParameters())).append('|')
                .append(d.params()).append('|').append(d.macs()).append('|').append(d.provenance()).append('|')
                .append(d.provenanceDetail()).append('|').append(d.expectedAccuracy());
        Bundle bundle = context.getBundle(bundleId);
        if (bundle != null) {
            canonical.append('|').append(bundle.getSymbolicName()).append('|').append(bundle.getVersion());
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder();
            for (int i = 0; i < 12; i++) {
                hex.append(String.format("%02x", hash[i]));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }

    /** Counts the profiles measured (not read from the store) for one decision. */
    static final class Counter {
        private int count;

        void increment() {
            count++;
        }

        int count() {
            return count;
        }
    }
}
