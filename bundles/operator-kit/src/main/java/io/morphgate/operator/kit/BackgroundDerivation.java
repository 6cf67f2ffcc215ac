package io.morphgate.operator.kit;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import io.morphgate.api.slot.SlotCatalog;

/**
 * Derives an operator's data-free variants on a thread of its own and registers them together when all are ready.
 * Deriving evaluates the slot on the backbone's calibration images, which takes seconds, not milliseconds: on the
 * SCR thread it would hold up the bundle's start (and the gateway's). Registering them at once costs the backbone one
 * swap. Closing cancels a derivation still running; what it would have registered is dropped.
 */
public final class BackgroundDerivation implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(BackgroundDerivation.class.getName());

    private final ExecutorService thread;

    private BackgroundDerivation(String operator) {
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "morphgate-derive-" + operator);
            t.setDaemon(true);
            return t;
        });
    }

    /** As the other {@code start}, keeping nothing: every start derives again. */
    public static <S> BackgroundDerivation start(String operator, SlotCatalog catalog, List<S> settings,
            DerivedVariants.Derivation<S> derivation, VariantRegistrations registrations) {
        return start(operator, catalog, settings, derivation, DerivedVariantCache.none(), registrations);
    }

    /**
     * Starts deriving (or reading what {@code cache} kept); the variants go to {@code registrations} when every slot
     * and setting is done, and then the offer is {@linkplain VariantRegistrations#complete() complete} (also when
     * deriving failed).
     */
    public static <S> BackgroundDerivation start(String operator, SlotCatalog catalog, List<S> settings,
            DerivedVariants.Derivation<S> derivation, DerivedVariantCache cache, VariantRegistrations registrations) {
        return start(operator, catalog, settings, derivation, cache, registrations, DerivationMeter.silent(),
                (slot, reason) -> { });
    }

    /** As the public form, telling {@code meter} how it goes and {@code skips} which slots get nothing, and why. */
    static <S> BackgroundDerivation start(String operator, SlotCatalog catalog, List<S> settings,
            DerivedVariants.Derivation<S> derivation, DerivedVariantCache cache, VariantRegistrations registrations,
            DerivationMeter meter, BiConsumer<String, String> skips) {
        BackgroundDerivation job = new BackgroundDerivation(operator);
        job.thread.execute(() -> {
            try {
                List<BlockVariant> derived = DerivedVariants.forEverySlot(catalog, operator, settings, derivation,
                        cache, meter, skips);
                if (!Thread.currentThread().isInterrupted()) {
                    registrations.add(derived);
                    meter.finished(); // no-op when the loop was cancelled
                } else {
                    meter.cancelled();
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "deriving the " + operator + " variants failed: " + e.getMessage(), e);
                meter.failed(String.valueOf(e.getMessage()));
            }
            if (!Thread.currentThread().isInterrupted()) {
                registrations.complete(); // with or without derived variants: no more will come
            }
        });
        job.thread.shutdown();
        return job;
    }

    /** Cancels the derivation if it still runs and waits for it to stop (at most one variant's time). */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "a derivation did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
