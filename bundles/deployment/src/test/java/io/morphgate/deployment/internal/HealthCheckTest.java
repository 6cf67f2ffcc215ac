package io.morphgate.deployment.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.condition.Condition;

import io.morphgate.api.deployment.DeploymentException;
import io.morphgate.api.model.Configuration;
import io.morphgate.api.model.ModelControl;
import io.morphgate.api.model.ModelStatus;
import io.morphgate.api.model.VariantState;
import io.morphgate.api.variant.OperatorKind;
import io.morphgate.api.variant.OperatorVariant;
import io.morphgate.api.variant.Provenance;
import io.morphgate.api.variant.VariantDescriptor;
import io.morphgate.api.variant.VariantProperties;

/**
 * The health check of a started operator bundle judges as soon as the operator says its offer is complete and the
 * backbone has a verdict on every variant: these checks use a settle period of an hour, so a check that waited for
 * one would time out instead.
 */
class HealthCheckTest {

    private static final long BUNDLE_ID = 7;
    private static final Duration AN_HOUR = Duration.ofHours(1);

    /** The operator bundle's registered services (variants by id, then maybe the condition), as the check sees them. */
    private final List<ServiceReference<?>> services = new CopyOnWriteArrayList<>();
    /** The backbone's verdicts, by variant id: true accepted, false refused. */
    private final Map<String, Boolean> verdicts = new java.util.concurrent.ConcurrentHashMap<>();

    @Test
    void judgesAsSoonAsTheOfferIsCompleteAndEveryVariantAccepted() throws Exception {
        offer("lowrank-conv1-b0.5", true);
        offer("lowrank-conv1-b0.5-derived", true);
        offerComplete();
        List<String> notes = new CopyOnWriteArrayList<>();
        long t0 = System.nanoTime();
        assertEquals("ACTIVE, 2 variants accepted", check(Duration.ofSeconds(30)).check(operatorBundle(), notes::add));
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos(), "waited as if for a quiet period");
        assertEquals(List.of("2 variants registered"), notes);
    }

    @Test
    void waitsForTheBackbonesVerdictOnVariantsOfACompleteOffer() throws Exception {
        offer("lowrank-conv1-b0.5", true);
        offer("lowrank-conv1-b0.5-derived", null);
        offerComplete();
        Thread verdict = new Thread(() -> {
            sleep(300);
            verdicts.put("lowrank-conv1-b0.5-derived", true);
        });
        verdict.start();
        assertEquals("ACTIVE, 2 variants accepted", check(Duration.ofSeconds(30)).check(operatorBundle(), n -> { }));
        verdict.join();
    }

    @Test
    void waitsUpToTheTimeoutForAnOfferToCompleteThenJudgesTheVariantsOfferedSoFar() throws Exception {
        offer("lowrank-conv1-b0.5", true); // derived variants still being computed: no condition yet
        long t0 = System.nanoTime();
        assertEquals("ACTIVE, 1 variants accepted; more were still being derived after 1 s",
                check(Duration.ofSeconds(1)).check(operatorBundle(), n -> { }));
        assertTrue(System.nanoTime() - t0 >= Duration.ofSeconds(1).toNanos(), "judged before the offer was complete");
    }

    @Test
    void failsWhenAVariantStillHasNoVerdictAtTheTimeout() {
        offer("lowrank-conv1-b0.5", null);
        DeploymentException e = assertThrows(DeploymentException.class,
                () -> check(Duration.ofMillis(500)).check(operatorBundle(), n -> { }));
        assertEquals(DeploymentException.Code.HEALTH_CHECK_FAILED, e.code());
        assertTrue(e.getMessage().contains("waiting for the operator to complete its offer"), e.getMessage());
    }

    @Test
    void aRefusedVariantFailsAtOnce() {
        offer("lowrank-conv1-b0.5", false);
        DeploymentException e = assertThrows(DeploymentException.class,
                () -> check(Duration.ofSeconds(30)).check(operatorBundle(), n -> { }));
        assertTrue(e.getMessage().contains("refused variant lowrank-conv1-b0.5: too big"), e.getMessage());
    }

    @Test
    void aBundleWhoseVariantsDoNotAnnounceItsOfferIsJudgedAfterTheSettlePeriod() throws Exception {
        offer("old-operator-conv1", true, false);
        assertEquals("ACTIVE, 1 variants accepted", new HealthCheck(() -> Optional.of(backbone()),
                Duration.ofSeconds(30), Duration.ofMillis(300)).check(operatorBundle(), n -> { }));
    }

    private HealthCheck check(Duration timeout) {
        return new HealthCheck(() -> Optional.of(backbone()), timeout, AN_HOUR);
    }

    /** A variant service of the bundle; {@code verdict} null while the backbone has not judged it. */
    private void offer(String id, Boolean verdict) {
        offer(id, verdict, true);
    }

    /** As {@link #offer(String, Boolean)}; {@code announces}: the variant says its operator will complete its offer. */
    private void offer(String id, Boolean verdict, boolean announces) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("objectClass", new String[] {OperatorVariant.class.getName()});
        properties.put(VariantProperties.VARIANT_ID, id);
        if (announces) {
            properties.put(VariantProperties.ANNOUNCES_OFFER, Boolean.TRUE);
        }
        services.add(reference(properties));
        if (verdict != null) {
            verdicts.put(id, verdict);
        }
    }

    private void offerComplete() {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("objectClass", new String[] {Condition.class.getName()});
        properties.put(Condition.CONDITION_ID, VariantProperties.OFFER_COMPLETE);
        services.add(reference(properties));
    }

    private static ServiceReference<?> reference(Hashtable<String, Object> properties) {
        return (ServiceReference<?>) Proxy.newProxyInstance(HealthCheckTest.class.getClassLoader(),
                new Class<?>[] {ServiceReference.class}, (p, m, a) -> switch (m.getName()) {
                    case "getProperty" -> properties.get((String) a[0]);
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private Bundle operatorBundle() {
        return (Bundle) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Bundle.class},
                (p, m, a) -> switch (m.getName()) {
                    case "getBundleId" -> BUNDLE_ID;
                    case "getSymbolicName" -> "io.example.operator";
                    case "getHeaders" -> new Hashtable<String, String>();
                    case "getState" -> Bundle.ACTIVE;
                    case "getRegisteredServices" -> services.toArray(ServiceReference<?>[]::new);
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private ModelControl backbone() {
        return (ModelControl) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ModelControl.class},
                (p, m, a) -> switch (m.getName()) {
                    case "status" -> new ModelStatus("backbone-test", ModelStatus.State.SERVING, Configuration.DEFAULT,
                            1, 100, 1000, List.of(), variantStates(), List.of(), Optional.empty());
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private List<VariantState> variantStates() {
        return verdicts.entrySet().stream().map(e -> new VariantState(new VariantDescriptor(e.getKey(),
                OperatorKind.LOW_RANK, "conv1", Map.of(), 10, 100, Provenance.SYNTHETIC, "", OptionalDouble.empty()),
                BUNDLE_ID, e.getValue(), e.getValue() ? Optional.empty() : Optional.of("too big"), false,
                OptionalDouble.empty())).toList();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
