package io.morphgate.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;

import io.morphgate.api.budget.Budget;
import io.morphgate.api.inference.InferenceService;
import io.morphgate.api.model.ModelControl;
import io.morphgate.api.model.ModelStatus;
import io.morphgate.api.model.SlotState;
import io.morphgate.api.model.VariantState;
import io.morphgate.api.policy.PolicyDecision;
import io.morphgate.api.policy.PolicyDecision.Outcome;
import io.morphgate.api.policy.PolicyListener;
import io.morphgate.api.slot.SlotCatalog;
import io.morphgate.api.variant.OperatorKind;
import io.morphgate.api.variant.OperatorVariant;
import io.morphgate.api.variant.Provenance;
import io.morphgate.api.variant.VariantDescriptor;
import io.morphgate.api.variant.VariantProperties;
import io.morphgate.onnx.GraphBuilder;
import io.morphgate.onnx.OnnxModelIO;

/**
 * The policy in a real gateway (the trained backbone, the low-rank operator with its trained and derived variants):
 * budgets from Configuration Admin, load, pins, stopped bundles and unhealthy variants. Expected optima are computed
 * here, by brute force over the variants' own figures (descriptor MACs and accuracy, agreement), not taken from the
 * policy.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PolicyIT extends TestSupport {

    private static final double MIN_AGREEMENT = 0.5;
    private static final String LOWRANK = "io.morphgate.operator.lowrank";

    private final List<PolicyDecision> decisions = new CopyOnWriteArrayList<>();
    private ServiceRegistration<PolicyListener> listener;
    private ModelControl control;
    private SlotCatalog catalog;
    private InferenceService inference;

    @Configuration
    public Option[] configuration() {
        return gatewayOptions("morphgate-core", "morphgate-operator-lowrank", "morphgate-policy");
    }

    @Before
    public void settle() throws Exception {
        control = service(ModelControl.class, 20_000);
        catalog = service(SlotCatalog.class, 20_000);
        inference = service(InferenceService.class, 20_000);
        listener = context.registerService(PolicyListener.class, decisions::add, null);
        configurePolicy(Map.of());
        setBudget(Map.of());
        control.unpin(catalog.slots().stream().map(s -> s.name()).toList()).toCompletableFuture().get(30, TimeUnit.SECONDS);
        Bundle lowrank = bundle(LOWRANK);
        if (lowrank.getState() != Bundle.ACTIVE) {
            lowrank.start();
        }
        await("the low-rank operator to settle, with an accuracy estimate for every variant", 120_000,
                () -> OperatorFeatures.settled(control, lowrank) && control.status().variants().stream()
                        .filter(VariantState::accepted).allMatch(v -> drop(v).isPresent()));
        await("a policy decision over all the variants", 120_000, () -> lastDecision()
                .filter(d -> d.candidates().values().stream().mapToInt(Integer::intValue).sum() == eligible().size()
                        && d.budget().equals(Budget.NONE))
                .isPresent() || decisionsSettledOnNone());
    }

    @After
    public void stopListening() {
        if (listener != null) {
            listener.unregister();
        }
    }

    @Test
    public void budgetChangesProduceTheOptimalConfigurations() throws Exception {
        long fullMacs = fullModelMacs();
        assertEquals("with no budget the most accurate configuration serves", bestDrop(Long.MAX_VALUE),
                drop(control.status().configuration().variantBySlot()), 1e-9);
        for (double fraction : new double[] {0.85, 0.65, 0.5, 1.0}) {
            long maxMacs = (long) (fullMacs * fraction);
            PolicyDecision d = setBudgetAndAwait(Map.of("maxMacs", maxMacs),
                    x -> x.budget().maxMacs() == maxMacs && x.outcome() != Outcome.FAILED);
            assertTrue(d.toString(), d.outcome() == Outcome.COMMITTED || d.outcome() == Outcome.UNCHANGED);
            ModelStatus status = control.status();
            assertEquals(d.chosen(), status.configuration());
            assertTrue("MACs " + status.macs() + " over the budget " + maxMacs, status.macs() <= maxMacs);
            double expected = bestDrop(maxMacs);
            assertEquals("budget " + maxMacs + ": " + status.configuration().variantBySlot(), expected,
                    drop(status.configuration().variantBySlot()), 1e-9);
            assertEquals(catalog.fullModelAccuracy().getAsDouble() - expected, d.expectedAccuracy(), 1e-9);
            assertTrue("decision time " + d.decisionMillis() + " ms", d.decisionMillis() >= 0);
        }
    }

    @Test
    public void aModelsOwnBudgetOverridesTheGatewaysWhileItServes() throws Exception {
        long fullMacs = fullModelMacs();
        long ownMacs = (long) (fullMacs * 0.6);
        String model = control.status().model().orElseThrow().id();
        PolicyDecision own = setBudgetAndAwait(Map.of("maxMacs", fullMacs, "model." + model + ".maxMacs", ownMacs),
                x -> x.budget().maxMacs() == ownMacs && x.outcome() != Outcome.FAILED);
        assertTrue("MACs " + control.status().macs() + " over the model's own budget " + ownMacs,
                control.status().macs() <= ownMacs);
        assertEquals(bestDrop(ownMacs), drop(control.status().configuration().variantBySlot()), 1e-9);
        PolicyDecision gateway = setBudgetAndAwait(Map.of("maxMacs", fullMacs, "model.another-model.maxMacs", 1L),
                x -> x.budget().maxMacs() == fullMacs && x.outcome() != Outcome.FAILED);
        assertEquals("another model's budget does not apply: " + gateway, fullMacs, gateway.budget().maxMacs());
        assertTrue(own.toString(), own.budget().maxMacs() == ownMacs);
        setBudgetAndAwait(Map.of(), x -> x.budget().equals(Budget.NONE));
    }

    @Test
    public void aPinOverridesThePolicyForItsSlotOnly() throws Exception {
        long maxMacs = (long) (fullModelMacs() * 0.6);
        setBudgetAndAwait(Map.of("maxMacs", maxMacs), x -> x.budget().maxMacs() == maxMacs
                && x.outcome() == Outcome.COMMITTED);
        String slot = catalog.slots().get(0).name();
        int before = decisions.size();
        control.pin(slot, "default").toCompletableFuture().get(30, TimeUnit.SECONDS);
        PolicyDecision d = awaitDecision(before, x -> x.pinnedSlots().contains(slot) && x.outcome() != Outcome.FAILED);
        ModelStatus status = control.status();
        assertFalse("the pinned slot keeps its default layer", status.configuration().variantBySlot().containsKey(slot));
        assertEquals(d.chosen(), status.configuration());
        // the other slots are the best under the budget given the pin
        assertEquals(bestDrop(maxMacs, Map.of(slot, "default")), drop(status.configuration().variantBySlot()), 1e-9);
        before = decisions.size();
        control.unpin(slot).toCompletableFuture().get(30, TimeUnit.SECONDS);
        awaitDecision(before, x -> x.pinnedSlots().isEmpty() && x.outcome() != Outcome.FAILED);
        assertEquals(bestDrop(maxMacs), drop(control.status().configuration().variantBySlot()), 1e-9);
    }

    @Test
    public void aStoppedVariantBundleLeadsToANewPlan() throws Exception {
        long maxMacs = (long) (fullModelMacs() * 0.7);
        PolicyDecision withVariants = setBudgetAndAwait(Map.of("maxMacs", maxMacs),
                x -> x.budget().maxMacs() == maxMacs && x.outcome() == Outcome.COMMITTED);
        assertFalse(withVariants.chosen().variantBySlot().isEmpty());
        Bundle lowrank = bundle(LOWRANK);
        int before = decisions.size();
        lowrank.stop();
        try {
            PolicyDecision after = awaitDecision(before, x -> x.trigger().contains("variants")
                    && x.candidates().values().stream().allMatch(n -> n == 0));
            assertEquals("nothing fits 70% of the MACs without variants: the closest configuration serves",
                    Outcome.INFEASIBLE, after.outcome());
            assertTrue(after.chosen().variantBySlot().isEmpty());
            assertTrue(control.status().configuration().variantBySlot().isEmpty());
        } finally {
            before = decisions.size();
            lowrank.start();
        }
        awaitDecision(before, x -> x.outcome() == Outcome.COMMITTED && !x.chosen().variantBySlot().isEmpty());
        await("the optimum again once the variants are back", 120_000,
                () -> Math.abs(drop(control.status().configuration().variantBySlot()) - bestDrop(maxMacs)) < 1e-9);
    }

    @Test
    public void aConfigurationThatFailsItsHealthCheckIsRolledBack() throws Exception {
        // claims the full model's accuracy with the fewest MACs of any conv2 option, but its weights are zeros:
        // every image gets the same class. The other slots are pinned to their default layers and the MAC budget
        // forces conv2 to be compressed, so it is the planner's choice whatever the other variants score.
        String slot = "conv2";
        Map<String, String> others = new HashMap<>();
        catalog.slots().stream().map(s -> s.name()).filter(n -> !n.equals(slot)).forEach(n -> others.put(n, "default"));
        control.pin(others).toCompletableFuture().get(30, TimeUnit.SECONDS);
        long maxMacs = fullModelMacs() - 1_000_000;
        setBudgetAndAwait(Map.of("maxMacs", maxMacs), x -> x.budget().maxMacs() == maxMacs
                && x.outcome() != Outcome.FAILED);
        GraphBuilder g = new GraphBuilder("zeros");
        String x = g.input("input", 32, 14, 14);
        x = g.conv(x, new float[32 * 32], 32, 32, 1, 1, null, 1);
        byte[] graph = OnnxModelIO.write(g.output(x, "output", 32, 14, 14).build());
        VariantDescriptor d = new VariantDescriptor("zeros-conv2", OperatorKind.LOW_RANK, slot, Map.of(), 1024,
                200_704, Provenance.TRAINED, "deliberately broken weights (test)",
                OptionalDouble.of(catalog.fullModelAccuracy().getAsDouble()));
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(VariantProperties.SLOT, slot);
        props.put(VariantProperties.VARIANT_ID, d.id());
        props.put(VariantProperties.OPERATOR, d.kind().name());
        int before = decisions.size();
        ServiceRegistration<OperatorVariant> bad = context.registerService(OperatorVariant.class, new OperatorVariant() {
            @Override
            public VariantDescriptor descriptor() {
                return d;
            }

            @Override
            public byte[] subGraph() {
                return graph;
            }
        }, props);
        try {
            PolicyDecision rolledBack = awaitDecision(before, y -> y.outcome() == Outcome.ROLLED_BACK);
            assertEquals(d.id(), rolledBack.chosen().variantBySlot().get(slot));
            assertTrue(rolledBack.toString(), rolledBack.agreement().getAsDouble() < MIN_AGREEMENT);
            assertTrue(rolledBack.detail(), rolledBack.detail().contains("agrees"));
            int after = decisions.indexOf(rolledBack) + 1;
            PolicyDecision next = awaitDecision(after, y -> y.outcome() != Outcome.ROLLED_BACK);
            assertFalse("the unhealthy variant is not chosen again", next.chosen().variantBySlot().containsValue(d.id()));
            assertFalse(control.status().configuration().variantBySlot().containsValue(d.id()));
            assertEquals("the previous configuration went on serving", rolledBack.previous(),
                    control.status().configuration());
        } finally {
            bad.unregister();
            control.unpin(others.keySet()).toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Overload relative to the budget: with real traffic, a latency budget below the latency measured for the full
     * model. (On the shared 2-core test machine concurrent clients barely move the median time in the model, and its
     * tail is dominated by other processes, so load is induced through the budget, as the issue allows.)
     */
    @Test
    public void anOverloadStepsDownAndTheGatewayRecoversWhenHeadroomReturns() throws Exception {
        var fullConfiguration = control.status().configuration();
        long fullMacs = control.status().macs();
        try (InferenceLoad traffic = new InferenceLoad(inference, 1)) {
            Thread.sleep(2500);
            double measured = inference.statistics(2).p50LatencyMillis();
            int before = decisions.size();
            setBudget(Map.of("maxLatencyMillis", 0.7 * measured));
            await("a cheaper configuration once the latency budget is below the measured latency", 60_000,
                    () -> control.status().macs() < fullMacs);
            // the decision is published once the configuration serves and has been timed
            awaitDecision(before, d -> d.budget().maxLatencyMillis() < measured
                    && !d.chosen().equals(fullConfiguration)
                    && (d.outcome() == Outcome.COMMITTED || d.outcome() == Outcome.INFEASIBLE));
            before = decisions.size();
            setBudget(Map.of("maxLatencyMillis", 4 * measured));
            await("the full model again once the budget leaves headroom", 60_000,
                    () -> control.status().configuration().equals(fullConfiguration));
            awaitDecision(before, d -> d.outcome() == Outcome.COMMITTED && d.chosen().equals(fullConfiguration));
            assertTrue(traffic.failures().isEmpty());
        }
    }

    @Test
    public void measurementsAroundTheBudgetDoNotMakeItFlap() throws Exception {
        try (InferenceLoad load = new InferenceLoad(inference, 2)) {
            Thread.sleep(2500);
            // a budget right at the measured latency: measurements fall on both sides of it
            double measured = inference.statistics(2).p50LatencyMillis();
            setBudget(Map.of("maxLatencyMillis", measured));
            int from = decisions.size();
            Thread.sleep(15_000);
            List<String> served = new ArrayList<>();
            for (PolicyDecision d : decisions.subList(from, decisions.size())) {
                boolean switched = d.outcome() == Outcome.COMMITTED
                        || (d.outcome() == Outcome.INFEASIBLE && !d.chosen().equals(d.previous()));
                if (switched) {
                    served.add(d.chosen().id());
                }
            }
            assertTrue("at most a step down and its corrections in 15 s: " + served, served.size() <= 4);
            for (int i = 2; i < served.size(); i++) {
                assertNotEquals("went back to a configuration it had just left: " + served, served.get(i - 2),
                        served.get(i));
            }
            assertTrue(load.failures().isEmpty());
        }
    }

    @Test
    public void profilesSurviveARestartOfThePolicy() throws Exception {
        long fullMacs = fullModelMacs();
        // a decision over every variant, so that every one has been profiled
        setBudgetAndAwait(Map.of("maxMacs", fullMacs), x -> x.budget().maxMacs() == fullMacs
                && x.candidates().values().stream().mapToInt(Integer::intValue).sum() == eligible().size());
        Bundle policy = bundle("io.morphgate.policy");
        policy.stop();
        int before = decisions.size();
        policy.start();
        PolicyDecision first = awaitDecision(before, x -> x.trigger().equals("policy started"));
        assertEquals("nothing profiled again after a restart: " + first, 0, first.profilesMeasured());
        assertEquals(eligible().size(), first.candidates().values().stream().mapToInt(Integer::intValue).sum());
    }

    // --- helpers

    /** The policy's settings for these tests, with {@code overrides}. */
    private void configurePolicy(Map<String, Object> overrides) throws IOException {
        Hashtable<String, Object> policy = new Hashtable<>();
        policy.put("minAgreement", MIN_AGREEMENT);
        policy.put("tickMillis", 200L);
        policy.put("loadWindowSeconds", 2);
        policy.put("cooldownMillis", 2500L);
        policy.put("overBudgetTicks", 2);
        policy.put("headroomTicks", 4);
        policy.put("profileRuns", 30);
        policy.put("loadPercentile", 50);
        policy.putAll(overrides);
        service(ConfigurationAdmin.class, 10_000).getConfiguration("morphgate.policy", "?").updateIfDifferent(policy);
    }

    private void setBudget(Map<String, Object> limits) throws IOException {
        ConfigurationAdmin cm = service(ConfigurationAdmin.class, 10_000);
        Dictionary<String, Object> properties = new Hashtable<>(limits);
        cm.getConfiguration("morphgate.budget", "?").update(properties);
    }

    private PolicyDecision setBudgetAndAwait(Map<String, Object> limits, Predicate<PolicyDecision> wanted)
            throws IOException {
        int before = decisions.size();
        setBudget(limits);
        return awaitDecision(before, wanted);
    }

    private PolicyDecision awaitDecision(int from, Predicate<PolicyDecision> wanted) {
        PolicyDecision[] found = new PolicyDecision[1];
        try {
            await("a policy decision after #" + from, 90_000, () -> {
                List<PolicyDecision> seen = decisions.subList(Math.min(from, decisions.size()), decisions.size());
                found[0] = seen.stream().filter(wanted).findFirst().orElse(null);
                return found[0] != null;
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; decisions since: "
                    + decisions.subList(Math.min(from, decisions.size()), decisions.size()) + "; serving statistics: "
                    + inference.statistics(2) + "; configuration " + control.status().configuration(), e);
        }
        return found[0];
    }

    private Optional<PolicyDecision> lastDecision() {
        return decisions.isEmpty() ? Optional.empty() : Optional.of(decisions.get(decisions.size() - 1));
    }

    /** The listener registered after the policy had decided on no budget: the serving configuration is that one. */
    private boolean decisionsSettledOnNone() {
        return decisions.isEmpty() && control.status().slots().stream().allMatch(s -> s.pinnedVariant().isEmpty())
                && Math.abs(drop(control.status().configuration().variantBySlot()) - bestDrop(Long.MAX_VALUE)) < 1e-9;
    }

    /** Accepted variants the accuracy model can rate. */
    private List<VariantState> eligible() {
        return control.status().variants().stream().filter(v -> v.accepted() && drop(v).isPresent()).toList();
    }

    /**
     * The documented accuracy model: full accuracy minus the single-swap accuracy when the variant carries it (a
     * measured gain counts as no loss), otherwise one minus its agreement with the default model.
     */
    private OptionalDouble drop(VariantState v) {
        OptionalDouble accuracy = v.descriptor().expectedAccuracy();
        if (accuracy.isPresent() && catalog.fullModelAccuracy().isPresent()) {
            return OptionalDouble.of(Math.max(0, catalog.fullModelAccuracy().getAsDouble() - accuracy.getAsDouble()));
        }
        return v.agreement().isPresent() ? OptionalDouble.of(1 - v.agreement().getAsDouble()) : OptionalDouble.empty();
    }

    private double drop(Map<String, String> configuration) {
        double total = 0;
        for (String id : configuration.values()) {
            total += control.status().variants().stream().filter(v -> v.descriptor().id().equals(id)).findFirst()
                    .flatMap(v -> {
                        OptionalDouble d = drop(v);
                        return d.isPresent() ? Optional.of(d.getAsDouble()) : Optional.empty();
                    }).orElseThrow(() -> new AssertionError("no accuracy estimate for " + id));
        }
        return total;
    }

    /** MACs of the full model, from the serving model's MACs and the descriptors of its variants. */
    private long fullModelMacs() {
        ModelStatus status = control.status();
        long macs = status.macs();
        for (SlotState slot : status.slots()) {
            if (slot.activeVariant().isPresent()) {
                VariantDescriptor d = descriptor(status, slot.activeVariant().get());
                macs += slot.spec().defaultMacs() - d.macs();
            }
        }
        return macs;
    }

    private double bestDrop(long maxMacs) {
        return bestDrop(maxMacs, Map.of());
    }

    /** Brute force over every combination of default layer or eligible variant per slot. */
    private double bestDrop(long maxMacs, Map<String, String> pins) {
        ModelStatus status = control.status();
        long full = fullModelMacs();
        List<List<VariantState>> options = new ArrayList<>();
        for (SlotState slot : status.slots()) {
            List<VariantState> slotOptions = new ArrayList<>();
            slotOptions.add(null); // default layer
            if (!pins.containsKey(slot.spec().name())) {
                eligible().stream().filter(v -> v.descriptor().slot().equals(slot.spec().name()))
                        .forEach(slotOptions::add);
            }
            options.add(slotOptions);
        }
        Map<String, Long> defaultMacs = new HashMap<>();
        status.slots().forEach(s -> defaultMacs.put(s.spec().name(), s.spec().defaultMacs()));
        double best = Double.POSITIVE_INFINITY;
        int[] index = new int[options.size()];
        while (true) {
            long macs = full;
            double drop = 0;
            for (int i = 0; i < index.length; i++) {
                VariantState v = options.get(i).get(index[i]);
                if (v != null) {
                    macs += v.descriptor().macs() - defaultMacs.get(v.descriptor().slot());
                    drop += drop(v).getAsDouble();
                }
            }
            if (macs <= maxMacs) {
                best = Math.min(best, drop);
            }
            int i = index.length - 1;
            while (i >= 0 && ++index[i] == options.get(i).size()) {
                index[i--] = 0;
            }
            if (i < 0) {
                return best;
            }
        }
    }

    private static VariantDescriptor descriptor(ModelStatus status, String id) {
        return status.variants().stream().map(VariantState::descriptor).filter(d -> d.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no variant " + id));
    }
}
