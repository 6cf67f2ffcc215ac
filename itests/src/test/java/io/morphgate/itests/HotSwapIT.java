package io.morphgate.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceRegistration;

import io.morphgate.api.inference.InferenceService;
import io.morphgate.api.model.ModelControl;
import io.morphgate.api.model.ModelListener;
import io.morphgate.api.model.ModelStatus;
import io.morphgate.api.model.SwapRecord;
import io.morphgate.api.model.VariantState;

/**
 * Stopping the operator bundle swaps every slot back to its default layer and starting it swaps the variants in,
 * while clients keep sending requests: none fails, and each is served by a configuration that was serving when it
 * ran.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HotSwapIT extends TestSupport {

    private static final int CLIENTS = 3;

    @Configuration
    public Option[] configuration() {
        return gatewayOptions("morphgate-core", "morphgate-operator-lowrank");
    }

    @Test
    public void stoppingAndStartingTheOperatorSwapsUnderLoadWithoutFailingARequest() throws Exception {
        rankedVariantsServe(); // the operator's variants serve as soon as they are bound, no policy deciding
        ModelControl control = service(ModelControl.class, 10_000);
        InferenceService inference = service(InferenceService.class, 10_000);
        Bundle operator = bundle("io.morphgate.operator.lowrank");
        await("the low-rank variants to serve in all 4 slots", 20_000,
                () -> control.status().configuration().variantBySlot().size() == 4);

        Map<Long, SwapRecord> swaps = new ConcurrentHashMap<>();
        Map<Long, Long> swapSeenNanos = new ConcurrentHashMap<>();
        ServiceRegistration<ModelListener> listener = context.registerService(ModelListener.class, new ModelListener() {
            @Override
            public void swapped(SwapRecord swap) {
                swapSeenNanos.put(swap.generation(), System.nanoTime());
                swaps.put(swap.generation(), swap);
            }

            @Override
            public void refused(VariantState variant) {
            }
        }, null);
        long firstGeneration = control.status().generation();
        control.status().recentSwaps().stream().filter(s -> s.generation() == firstGeneration)
                .forEach(s -> swaps.put(s.generation(), s));

        InferenceLoad load = new InferenceLoad(inference, CLIENTS);
        Thread.sleep(300);
        operator.stop();
        await("the default configuration after stopping the operator", 10_000,
                () -> control.status().configuration().variantBySlot().isEmpty());
        Thread.sleep(300);
        operator.start();
        await("the low-rank variants back in all 4 slots", 20_000,
                () -> control.status().configuration().variantBySlot().size() == 4);
        Thread.sleep(300);
        load.close();
        listener.unregister();

        assertTrue("requests failed during the swaps: " + load.failures(), load.failures().isEmpty());
        assertTrue("expected at least two swaps, saw " + swaps.keySet(), swapSeenNanos.size() >= 2);
        int total = 0;
        for (List<InferenceLoad.Served> served : load.perClient()) {
            long previousGeneration = 0;
            for (InferenceLoad.Served s : served) {
                total++;
                SwapRecord committed = swaps.get(s.generation());
                assertTrue("generation " + s.generation() + " served a request but was never committed",
                        committed != null);
                assertEquals("configuration of generation " + s.generation(), committed.configuration().id(),
                        s.configurationId());
                assertTrue("a client went back from generation " + previousGeneration + " to " + s.generation(),
                        s.generation() >= previousGeneration);
                previousGeneration = s.generation();
                // a request sent after generation g was announced must not be served by an older model
                for (Map.Entry<Long, Long> seen : swapSeenNanos.entrySet()) {
                    if (s.sentNanos() > seen.getValue()) {
                        assertTrue("request sent after generation " + seen.getKey() + " served by generation "
                                + s.generation(), s.generation() >= seen.getKey());
                    }
                }
            }
        }
        assertTrue("too few requests to mean anything: " + total, total > 100);
        System.out.println("[HotSwapIT] " + total + " requests, " + CLIENTS + " clients, generations "
                + swaps.keySet() + ", none failed");
    }

    /**
     * Pins set at runtime are stored by the backbone: after a restart of the backbone bundle the pinned variant and
     * the pinned default layer serve again; once unpinned, a restart brings back the ranking rule's choice.
     */
    @Test
    public void aRuntimePinIsServedAgainAfterTheBackboneRestarts() throws Exception {
        rankedVariantsServe(); // kept in Configuration Admin across the backbone's restarts
        Bundle backbone = bundle("io.morphgate.backbone");
        ModelControl control = service(ModelControl.class, 10_000);
        await("lowrank-conv2-b0.25 to be accepted", 30_000, () -> control.status().variants().stream()
                .anyMatch(v -> v.accepted() && v.descriptor().id().equals("lowrank-conv2-b0.25")));
        try {
            control.pin(Map.of("conv2", "lowrank-conv2-b0.25", "conv3", "default")).toCompletableFuture()
                    .get(30, java.util.concurrent.TimeUnit.SECONDS);
            backbone.stop();
            backbone.start();
            ModelControl restarted = service(ModelControl.class, 10_000);
            await("the pins to serve again after the restart", 30_000, () -> {
                ModelStatus status = restarted.status();
                return "lowrank-conv2-b0.25".equals(status.configuration().variantBySlot().get("conv2"))
                        && !status.configuration().variantBySlot().containsKey("conv3");
            });
            Map<String, String> pinned = new java.util.TreeMap<>();
            restarted.status().slots().forEach(s -> s.pinnedVariant().ifPresent(v -> pinned.put(s.spec().name(), v)));
            assertEquals(Map.of("conv2", "lowrank-conv2-b0.25", "conv3", "default"), pinned);

            restarted.unpin(List.of("conv2", "conv3")).toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
            backbone.stop();
            backbone.start();
            ModelControl again = service(ModelControl.class, 10_000);
            await("no pin and variants in all 4 slots after the second restart", 30_000, () -> {
                ModelStatus status = again.status();
                return status.slots().stream().allMatch(s -> s.pinnedVariant().isEmpty())
                        && status.configuration().variantBySlot().size() == 4;
            });
        } finally {
            if (backbone.getState() != Bundle.ACTIVE) {
                backbone.start();
            }
            service(ModelControl.class, 10_000).unpin(List.of("conv2", "conv3")).toCompletableFuture()
                    .get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
