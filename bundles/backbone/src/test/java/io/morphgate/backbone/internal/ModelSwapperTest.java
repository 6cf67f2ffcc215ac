package io.morphgate.backbone.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import ai.onnxruntime.OrtEnvironment;
import io.morphgate.api.inference.InferenceResult;
import io.morphgate.api.model.Configuration;
import io.morphgate.api.model.ConfigurationProfile;
import io.morphgate.api.model.PlanOutcome;
import io.morphgate.api.model.ModelStatus;
import io.morphgate.api.model.VariantState;
import io.morphgate.api.slot.SlotSpec;

/** The swap machinery without OSGi: registry, selection, composition, sessions, switching. */
class ModelSwapperTest {

    private final BackboneArtifacts artifacts = TestBackbones.synthetic();
    private final VariantRegistry registry = new VariantRegistry();
    private final Map<String, String> pins = new HashMap<>();
    private final SwapJournal journal = new SwapJournal(50);
    private ServingModel serving;
    private SessionFactory sessions;
    private ModelSwapper swapper;

    @BeforeEach
    void start() throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        serving = new ServingModel(env);
        sessions = new SessionFactory(env, 1, false);
        swapper = new ModelSwapper(env, registry, () -> Map.copyOf(pins), sessions, serving, journal, 1, 0,
                UnplannedSlots.DEFAULT_LAYER);
        swapper.activate(artifacts, "test start", () -> { }).get(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        swapper.close();
        serving.close();
    }

    @Test
    void defaultConfigurationServesFirst() {
        InferenceResult r = serving.infer(input(new Random(1)));
        assertEquals("default", r.configurationId());
        assertEquals(1, r.generation());
        assertEquals(10, r.probabilities().length);
        float sum = 0;
        for (float p : r.probabilities()) {
            sum += p;
        }
        assertEquals(1f, sum, 1e-5f);
    }

    @Test
    void withoutPlanOrPinTheFullModelServesWhateverIsBound() throws Exception {
        SlotSpec conv2 = artifacts.slot("conv2").orElseThrow();
        bind(1, "lr-conv2", conv2, TestBackbones.lowRankLike(conv2, 8, 5, 32));
        assertTrue(registry.all().get(0).state(false).accepted(), "the variant is admitted and offered");
        assertEquals(Configuration.DEFAULT, serving.current().orElseThrow().configuration(), "but not imposed");
        assertEquals("default", serving.infer(input(new Random(2))).configurationId());

        swapper.setUnplannedSlots(UnplannedSlots.HIGHEST_RANKED).get(30, TimeUnit.SECONDS);
        assertEquals(new Configuration(Map.of("conv2", "lr-conv2")), serving.current().orElseThrow().configuration(),
                "HIGHEST_RANKED puts the bound variant in");
        swapper.setUnplannedSlots(UnplannedSlots.DEFAULT_LAYER).get(30, TimeUnit.SECONDS);
        assertEquals(Configuration.DEFAULT, serving.current().orElseThrow().configuration());
    }

    @Test
    void changesOfThePlanApplyInTheOrderAsked() throws Exception {
        SlotSpec conv2 = artifacts.slot("conv2").orElseThrow();
        bind(1, "lr-conv2", conv2, TestBackbones.lowRankLike(conv2, 8, 5, 32));
        Configuration planned = new Configuration(Map.of("conv2", "lr-conv2"));
        // hold the swap thread so that the proposal and the withdrawal queue up behind it
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        swapper.submit(() -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
        var proposal = swapper.propose(planned, 0, "plan");
        var withdrawal = swapper.withdrawPlan();
        release.countDown();
        assertTrue(proposal.get(30, TimeUnit.SECONDS).committed());
        withdrawal.get(30, TimeUnit.SECONDS);
        assertEquals(Configuration.DEFAULT, serving.current().orElseThrow().configuration(),
                "the plan was withdrawn after it was proposed: it must not serve");
    }

    @Test
    void boundVariantIsSwappedInAndUnbindingSwapsBackToTheDefault() throws Exception {
        swapper.setUnplannedSlots(UnplannedSlots.HIGHEST_RANKED).get(30, TimeUnit.SECONDS);
        SlotSpec conv2 = artifacts.slot("conv2").orElseThrow();
        bind(1, "lr-conv2", conv2, TestBackbones.lowRankLike(conv2, 8, 5, 32));
        Configuration withVariant = new Configuration(Map.of("conv2", "lr-conv2"));
        assertEquals(withVariant.id(), serving.infer(input(new Random(2))).configurationId());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (registry.all().get(0).state(true).agreement().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        double agreement = registry.all().get(0).state(true).agreement().orElseThrow();
        assertTrue(agreement >= 0 && agreement <= 1, "agreement on the calibration images: " + agreement);

        registry.remove(TestBackbones.properties(1, "conv2", "lr-conv2"));
        swapper.request("unbound").get(30, TimeUnit.SECONDS);
        InferenceResult r = serving.infer(input(new Random(2)));
        assertEquals("default", r.configurationId());
        assertEquals(3, r.generation());
    }

    @Test
    void everySessionIsClosedOnceRetiredAndTheLastOneWhenServingStops() throws Exception {
        SlotSpec conv2 = artifacts.slot("conv2").orElseThrow();
        bind(1, "lr-conv2", conv2, TestBackbones.lowRankLike(conv2, 8, 5, 32));
        for (int i = 0; i < 10; i++) {
            pins.put("conv2", i % 2 == 0 ? "default" : "lr-conv2");
            swapper.request("pin " + i).get(30, TimeUnit.SECONDS);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (sessions.open() != 1 && System.nanoTime() < deadline) {
            Thread.sleep(20); // the agreement assessor may still hold a calibration session
        }
        assertEquals(1, sessions.open(), "only the serving session is open after 10 swaps");
        serving.close();
        assertEquals(0, sessions.open());
    }

    @Test
    void variantThatDoesNotFitItsSlotIsRefusedWithAReasonAndServingGoesOn() throws Exception {
        SlotSpec conv2 = artifacts.slot("conv2").orElseThrow();
        bind(1, "too-narrow", conv2, TestBackbones.lowRankLike(conv2, 8, 5, 16));
        OfferedVariant refused = registry.all().get(0);
        assertFalse(refused.isAccepted());
        String reason = refused.refusal().orElseThrow();
        assertTrue(reason.contains("conv2") && reason.contains("too-narrow"), reason);
        assertTrue(reason.contains("output shape"), reason);
        assertEquals("default", serving.infer(input(new Random(3))).configurationId());
        ModelStatus status = StatusSnapshot.of(artifacts, registry, serving, journal, pins, false,
                sessions.open());
        VariantState state = status.variants().get(0);
        assertFalse(state.accepted());
        assertEquals(reason, state.refusalReason().orElseThrow());
        assertEquals(ModelStatus.State.SERVING, status.state());
    }

    @Test
    void variantRegisteredUnderAnotherSlotThanItsDescriptorIsRefused() throws Exception {
        // a good conv2 variant, but its service properties say conv4: the registry would show it as a conv4 variant
        SlotSpec conv2 = artifacts.slot("conv2").orElseThrow();
        registry.add(TestBackbones.variant("two-faced", conv2, TestBackbones.lowRankLike(conv2, 8, 5, 32)),
                TestBackbones.properties(1, "conv4", "two-faced"));
        swapper.request("bound").get(30, TimeUnit.SECONDS);
        OfferedVariant offered = registry.all().get(0);
        assertFalse(offered.isAccepted());
        assertTrue(offered.refusal().orElseThrow().contains("different service properties (slot conv4"),
                offered.refusal().orElseThrow());
        assertEquals("default", serving.infer(input(new Random(4))).configurationId());
    }

    @Test
    void variantForASlotTheBackboneLacksIsRefused() throws Exception {
        SlotSpec conv2 = artifacts.slot("conv2").orElseThrow();
        SlotSpec ghost = new SlotSpec("conv9", 9, conv2.input(), conv2.output(), 3, "", 0, 0);
        registry.add(TestBackbones.variant("ghost", ghost, TestBackbones.lowRankLike(conv2, 4, 1, 32)),
                TestBackbones.properties(1, "conv9", "ghost"));
        swapper.request("bound").get(30, TimeUnit.SECONDS);
        assertTrue(registry.all().get(0).refusal().orElseThrow().contains("conv9"));
        assertEquals("default", serving.infer(input(new Random(3))).configurationId());
    }

    @Test
    void mostRecentlyBoundWinsUnlessTheSlotIsPinned() throws Exception {
        swapper.setUnplannedSlots(UnplannedSlots.HIGHEST_RANKED).get(30, TimeUnit.SECONDS);
        SlotSpec conv4 = artifacts.slot("conv4").orElseThrow();
        bind(1, "older", conv4, TestBackbones.lowRankLike(conv4, 16, 1, 64));
        bind(2, "newer", conv4, TestBackbones.lowRankLike(conv4, 8, 2, 64));
        assertEquals(new Configuration(Map.of("conv4", "newer")), serving.current().orElseThrow().configuration());

        pins.put("conv4", "older");
        swapper.request("pin").get(30, TimeUnit.SECONDS);
        assertEquals(new Configuration(Map.of("conv4", "older")), serving.current().orElseThrow().configuration());

        pins.put("conv4", SelectionRule.DEFAULT_LAYER);
        swapper.request("pin default").get(30, TimeUnit.SECONDS);
        assertEquals(Configuration.DEFAULT, serving.current().orElseThrow().configuration());
    }

    @Test
    void requestInFlightKeepsItsSessionOpenAcrossASwap() throws Exception {
        swapper.setUnplannedSlots(UnplannedSlots.HIGHEST_RANKED).get(30, TimeUnit.SECONDS);
        ComposedModel before = serving.current().orElseThrow();
        assertTrue(before.tryAcquire());
        SlotSpec conv1 = artifacts.slot("conv1").orElseThrow();
        bind(1, "lr-conv1", conv1, TestBackbones.lowRankLike(conv1, 8, 3, 32));
        assertFalse(before.isClosed(), "retired model closed while a request still held it");
        assertEquals(1, serving.runOn(before, List.of(input(new Random(4)))).size());
        before.release();
        assertTrue(before.isClosed(), "retired model must close when its last request ends");
    }

    @Test
    void concurrentRequestsNeverFailWhileVariantsComeAndGo() throws Exception {
        swapper.setUnplannedSlots(UnplannedSlots.HIGHEST_RANKED).get(30, TimeUnit.SECONDS);
        SlotSpec conv3 = artifacts.slot("conv3").orElseThrow();
        AtomicBoolean running = new AtomicBoolean(true);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> generations = new ConcurrentLinkedQueue<>();
        List<Thread> clients = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            Random random = new Random(t);
            Thread client = new Thread(() -> {
                while (running.get()) {
                    try {
                        generations.add(serving.infer(input(random)).generation());
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }
            });
            client.start();
            clients.add(client);
        }
        for (int i = 0; i < 6; i++) {
            bind(10 + i, "lr-" + i, conv3, TestBackbones.lowRankLike(conv3, 8, i, 64));
            registry.remove(TestBackbones.properties(10 + i, "conv3", "lr-" + i));
            swapper.request("unbound").get(30, TimeUnit.SECONDS);
        }
        running.set(false);
        for (Thread client : clients) {
            client.join();
        }
        assertTrue(failures.isEmpty(), () -> "requests failed during swaps: " + failures);
        assertTrue(generations.size() > 0);
        assertEquals(13, serving.current().orElseThrow().generation());
    }

    @Test
    void aPlanDecidesTheUnpinnedSlotsAndAPinStillWins() throws Exception {
        swapper.setUnplannedSlots(UnplannedSlots.HIGHEST_RANKED).get(30, TimeUnit.SECONDS);
        SlotSpec conv4 = artifacts.slot("conv4").orElseThrow();
        bind(1, "older", conv4, TestBackbones.lowRankLike(conv4, 16, 1, 64));
        bind(2, "newer", conv4, TestBackbones.lowRankLike(conv4, 8, 2, 64));
        PlanOutcome defaultPlan = swapper.propose(Configuration.DEFAULT, 0, "plan").get(30, TimeUnit.SECONDS);
        assertTrue(defaultPlan.committed());
        assertEquals(Configuration.DEFAULT, serving.current().orElseThrow().configuration(),
                "a plan without the slot holds it on its default layer, whatever is bound");
        Configuration older = new Configuration(Map.of("conv4", "older"));
        PlanOutcome planned = swapper.propose(older, 0, "plan").get(30, TimeUnit.SECONDS);
        assertTrue(planned.committed());
        assertEquals(older, planned.serving());
        assertTrue(planned.agreement().isPresent(), "a checked commit measures the agreement");

        pins.put("conv4", "newer");
        swapper.request("pin").get(30, TimeUnit.SECONDS);
        assertEquals(new Configuration(Map.of("conv4", "newer")), serving.current().orElseThrow().configuration());
        pins.clear();
        swapper.request("unpin").get(30, TimeUnit.SECONDS);
        assertEquals(older, serving.current().orElseThrow().configuration(), "unpinned: the plan again");
        swapper.withdrawPlan().get(30, TimeUnit.SECONDS);
        assertEquals(new Configuration(Map.of("conv4", "newer")), serving.current().orElseThrow().configuration(),
                "no plan: the ranking rule again");
    }

    @Test
    void aPlanThatFailsItsHealthCheckIsRolledBackAndThePreviousPlanStays() throws Exception {
        SlotSpec conv2 = artifacts.slot("conv2").orElseThrow();
        bind(1, "lr-conv2", conv2, TestBackbones.lowRankLike(conv2, 8, 5, 32));
        swapper.propose(Configuration.DEFAULT, 0, "plan").get(30, TimeUnit.SECONDS);
        long generation = serving.current().orElseThrow().generation();
        // no configuration can agree on more than all images
        PlanOutcome outcome = swapper.propose(new Configuration(Map.of("conv2", "lr-conv2")), 1.01, "unreachable")
                .get(30, TimeUnit.SECONDS);
        assertFalse(outcome.committed());
        assertEquals(Configuration.DEFAULT, outcome.serving());
        assertTrue(outcome.agreement().isPresent());
        assertTrue(outcome.detail().contains("agrees"), outcome.detail());
        assertEquals(generation, serving.current().orElseThrow().generation(), "nothing was switched");
        swapper.request("another trigger").get(30, TimeUnit.SECONDS);
        assertEquals(Configuration.DEFAULT, serving.current().orElseThrow().configuration(),
                "the previous plan stays in force after the rollback");
    }

    @Test
    void profilingTimesAConfigurationWithoutTouchingTheServingModel() throws Exception {
        SlotSpec conv3 = artifacts.slot("conv3").orElseThrow();
        bind(1, "lr-conv3", conv3, TestBackbones.lowRankLike(conv3, 8, 3, 64));
        ComposedModel before = serving.current().orElseThrow();
        ConfigurationProfile withVariant = swapper.profile(new Configuration(Map.of("conv3", "lr-conv3")), 7)
                .get(30, TimeUnit.SECONDS);
        ConfigurationProfile full = swapper.profile(Configuration.DEFAULT, 7).get(30, TimeUnit.SECONDS);
        assertSame(before, serving.current().orElseThrow());
        assertEquals(7, withVariant.runs());
        assertTrue(withVariant.medianLatencyMillis() > 0
                && withVariant.p99LatencyMillis() >= withVariant.medianLatencyMillis());
        assertTrue(withVariant.macs() < full.macs(), withVariant + " vs " + full);
        assertEquals(full.params() * 4, full.weightBytes());
        ExecutionException unknown = assertThrows(ExecutionException.class,
                () -> swapper.profile(new Configuration(Map.of("conv3", "nope")), 3).get(30, TimeUnit.SECONDS));
        assertTrue(unknown.getCause() instanceof IllegalArgumentException);
    }

    private void bind(long serviceId, String id, SlotSpec slot, ai.onnx.proto.OnnxMl.ModelProto graph)
            throws Exception {
        registry.add(TestBackbones.variant(id, slot, graph), TestBackbones.properties(serviceId, slot.name(), id));
        swapper.request("bound " + id).get(30, TimeUnit.SECONDS);
    }

    private float[] input(Random random) {
        return TestBackbones.randomInput(random, artifacts.inputShape().elementCount());
    }
}
