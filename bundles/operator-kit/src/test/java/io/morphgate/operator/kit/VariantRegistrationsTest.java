package io.morphgate.operator.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.condition.Condition;

import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.variant.OperatorKind;
import io.morphgate.api.variant.OperatorVariant;
import io.morphgate.api.variant.Provenance;
import io.morphgate.api.variant.VariantProperties;

class VariantRegistrationsTest {

    /** A framework stand-in: records registrations; unregistering twice throws, as the framework does. */
    private static final class Framework {
        final List<Dictionary<?, ?>> registered = new ArrayList<>();
        final List<Dictionary<?, ?>> unregistered = new ArrayList<>();
        int failAt = -1;

        BundleContext context() {
            return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                        if (!method.getName().equals("registerService")) {
                            throw new UnsupportedOperationException(method.getName());
                        }
                        if (registered.size() == failAt) {
                            throw new IllegalStateException("bundle context no longer valid");
                        }
                        Dictionary<?, ?> properties = (Dictionary<?, ?>) args[2];
                        registered.add(properties);
                        return registration(properties);
                    });
        }

        private ServiceRegistration<?> registration(Dictionary<?, ?> properties) {
            return (ServiceRegistration<?>) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {ServiceRegistration.class}, (proxy, method, args) -> {
                        if (!method.getName().equals("unregister")) {
                            throw new UnsupportedOperationException(method.getName());
                        }
                        if (unregistered.contains(properties)) {
                            throw new IllegalStateException("service already unregistered");
                        }
                        unregistered.add(properties);
                        return null;
                    });
        }
    }

    private static OperatorVariant variant(String id, SlotSpec slot) {
        SeededParameters p = new SeededParameters(1);
        int in = slot.input().channels();
        int out = slot.output().channels();
        return BlockVariant.of(id, OperatorKind.BOTTLENECK, slot, Map.of(), Provenance.SYNTHETIC, "",
                SlotBlock.build(id, slot, (g, x) -> g.conv(x, p.convWeights(out, in, 1, 1), out, in, 1, 1, null, 1),
                        p::batchNorm));
    }

    @Test
    void registersEachVariantWithItsServiceProperties() {
        Framework framework = new Framework();
        try (VariantRegistrations r = VariantRegistrations.register(framework.context(), "backbone-1",
                List.of(variant("a-conv1", TestSlots.POOLED), variant("a-conv4", TestSlots.PLAIN)))) {
            assertEquals(2, r.size());
            Dictionary<?, ?> second = framework.registered.get(1);
            assertEquals("conv4", second.get(VariantProperties.SLOT));
            assertEquals("a-conv4", second.get(VariantProperties.VARIANT_ID));
            assertEquals("BOTTLENECK", second.get(VariantProperties.OPERATOR));
            assertEquals("backbone-1", second.get(VariantProperties.BACKBONE_ID));
        }
        assertEquals(2, framework.unregistered.size());
    }

    @Test
    void completingRegistersTheOfferCompleteConditionOnceAndClosingWithdrawsIt() {
        Framework framework = new Framework();
        VariantRegistrations r = VariantRegistrations.register(framework.context(), "backbone-1",
                List.of(variant("a-conv1", TestSlots.POOLED)));
        assertEquals(Boolean.TRUE, framework.registered.get(0).get(VariantProperties.ANNOUNCES_OFFER));
        r.complete();
        r.complete();
        assertEquals(2, framework.registered.size());
        Dictionary<?, ?> offered = framework.registered.get(1);
        assertEquals(VariantProperties.OFFER_COMPLETE, offered.get(Condition.CONDITION_ID));
        assertEquals("backbone-1", offered.get(VariantProperties.BACKBONE_ID));
        r.close();
        assertEquals(List.of(offered, framework.registered.get(0)), framework.unregistered);
        r.complete();
        assertEquals(2, framework.registered.size(), "a closed offer is never completed");
    }

    @Test
    void closeToleratesServicesTheStoppingBundleAlreadyLost() {
        Framework framework = new Framework();
        VariantRegistrations r = VariantRegistrations.register(framework.context(), "backbone-1", List.of(variant("a", TestSlots.POOLED)));
        r.registrations().get(0).unregister(); // the framework got there first
        r.close();
        r.close();
        assertEquals(0, r.size());
    }

    @Test
    void aFailedRegistrationWithdrawsTheOnesMadeBefore() {
        Framework framework = new Framework();
        framework.failAt = 1;
        assertThrows(IllegalStateException.class, () -> VariantRegistrations.register(framework.context(), "backbone-1",
                List.of(variant("a", TestSlots.POOLED), variant("b", TestSlots.POOLED))));
        assertEquals(framework.registered, framework.unregistered);
    }
}
