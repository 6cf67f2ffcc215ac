package io.morphgate.backbone.internal;

import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.morphgate.api.inference.InferenceResult;
import io.morphgate.api.model.Configuration;
import io.morphgate.api.model.ConfigurationProfile;
import io.morphgate.api.model.PlanOutcome;
import io.morphgate.api.model.SwapRecord;
import io.morphgate.api.variant.VariantDescriptor;
import io.morphgate.onnx.CompositionException;
import io.morphgate.onnx.CostCounter;
import io.morphgate.onnx.GraphComposer;
import io.morphgate.onnx.GraphComposer.Replacement;
import io.morphgate.onnx.SlotBoundary;
import io.morphgate.onnx.GraphException;
import io.morphgate.onnx.OnnxModelIO;

/**
 * Does every swap on one thread of its own: switches the serving model, admits newly bound variants, chooses a
 * configuration, composes the graph, creates and warms up the session, and switches the serving composed model. A swap starts a short quiet period after the
 * first request, and requests that arrive meanwhile (or while a swap runs) are coalesced into one swap: a bundle that
 * registers eight variants costs one or two swaps, not eight.
 */
final class ModelSwapper implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ModelSwapper.class.getName());

    private final VariantRegistry registry;
    private final Supplier<Map<String, String>> pins;
    private final SessionFactory sessions;
    private final ServingModel serving;
    private final SwapJournal journal;
    private final int warmupRuns;
    private final long coalesceMillis;
    private final OrtEnvironment environment;
    /** The model being served, with what the swapper keeps for it; null while none serves. Written on the thread. */
    private volatile ActiveModel active;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "morphgate-backbone-swap");
        t.setDaemon(true);
        return t;
    });

    /** Triggers and waiters collected since the last swap started; guarded by this. */
    private final List<String> triggers = new ArrayList<>();
    private final List<CompletableFuture<Void>> waiters = new ArrayList<>();
    private Instant firstTriggerAt;
    private boolean scheduled;
    private long generation;
    /** The policy's plan for unpinned slots (slot to variant id), or null: the ranking rule decides. */
    private volatile Map<String, String> plan;

    ModelSwapper(OrtEnvironment environment, VariantRegistry registry, Supplier<Map<String, String>> pins,
            SessionFactory sessions, ServingModel serving, SwapJournal journal, int warmupRuns, long coalesceMillis) {
        this.environment = environment;
        this.registry = registry;
        this.pins = pins;
        this.sessions = sessions;
        this.serving = serving;
        this.journal = journal;
        this.warmupRuns = warmupRuns;
        this.coalesceMillis = coalesceMillis;
    }

    /** A model being served: its artifacts, the calibration activations computed for it and its assessor. */
    record ActiveModel(BackboneArtifacts artifacts, Calibration calibration, AgreementAssessor assessor) {
    }

    /** The model being served, or null. */
    ActiveModel active() {
        return active;
    }

    /**
     * Makes {@code next} serve, on the swap thread: its full model is composed, its session created and warmed up
     * beside the serving one, then switched to atomically (requests in flight finish on the old model); the plan is
     * dropped (it named the old model's variants) and the configuration chosen again for the new model. If anything
     * fails, the serving model stays and the stage fails. {@code served} runs on the thread once the model serves.
     */
    CompletableFuture<Void> activate(BackboneArtifacts next, String trigger, Runnable served) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        execute(done, () -> {
            activateNow(next, trigger);
            served.run();
            done.complete(null);
        });
        return done;
    }

    /** Runs on the swap thread: see {@link #activate}. */
    void activateNow(BackboneArtifacts next, String trigger) {
        Instant triggeredAt = Instant.now();
        Calibration calibration = new Calibration(next, environment, sessions);
        ActiveModel candidate = new ActiveModel(next, calibration, new AgreementAssessor(calibration));
        long t0 = System.nanoTime();
        try {
            install(next, Configuration.DEFAULT, next.model(), "model " + next.id() + ": " + trigger, triggeredAt,
                    t0, t0, Double.NaN);
        } catch (RuntimeException e) {
            candidate.assessor().close();
            throw new IllegalStateException("model " + next.id() + " cannot serve: " + e.getMessage(), e);
        }
        ActiveModel previous = active;
        active = candidate;
        plan = null;
        registry.serve(next.backboneId());
        if (previous != null) {
            previous.assessor().close();
        }
        swapTo("model " + next.id() + " serves", triggeredAt, Double.NaN);
    }

    /** Stops serving any model, on the swap thread; inference then answers NOT_READY. */
    void deactivateNow(String trigger) {
        ActiveModel previous = active;
        active = null;
        plan = null;
        registry.serve(null);
        serving.switchTo(null);
        if (previous != null) {
            previous.assessor().close();
            journal.failed("no model serves: " + trigger);
            LOG.log(Level.WARNING, "model {0} no longer serves and no other model can: {1}", previous.artifacts().id(),
                    trigger);
        }
    }

    /** Runs {@code task} on the swap thread; the stage completes with its result or its failure. */
    <T> CompletableFuture<T> submit(Supplier<T> task) {
        CompletableFuture<T> done = new CompletableFuture<>();
        execute(done, () -> done.complete(task.get()));
        return done;
    }

    /**
     * Asks for the configuration to be chosen again. Returns at once; the future completes when a swap that started
     * after this call has finished (whether or not it changed anything).
     */
    synchronized CompletableFuture<Void> request(String trigger) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        triggers.add(trigger);
        waiters.add(done);
        if (firstTriggerAt == null) {
            firstTriggerAt = Instant.now();
        }
        if (!scheduled) {
            scheduled = true;
            try {
                thread.schedule(this::swap, coalesceMillis, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                done.completeExceptionally(new IllegalStateException("the backbone is shutting down"));
            }
        }
        return done;
    }

    private void swap() {
        List<String> why;
        List<CompletableFuture<Void>> toComplete;
        Instant triggeredAt;
        synchronized (this) {
            why = List.copyOf(triggers);
            toComplete = List.copyOf(waiters);
            triggeredAt = firstTriggerAt;
            triggers.clear();
            waiters.clear();
            firstTriggerAt = null;
            scheduled = false;
        }
        try {
            if (active == null) {
                toComplete.forEach(f -> f.complete(null)); // no model: nothing to compose
                return;
            }
            admitPending();
            swapTo(String.join("; ", why), triggeredAt, Double.NaN);
            toComplete.forEach(f -> f.complete(null));
        } catch (RuntimeException | Error e) {
            journal.failed("swap failed: " + e.getMessage());
            LOG.log(Level.ERROR, "swap failed: " + e.getMessage(), e);
            toComplete.forEach(f -> f.completeExceptionally(e));
        }
    }

    private void admitPending() {
        BackboneArtifacts artifacts = active.artifacts();
        for (OfferedVariant offered : registry.pending()) {
            try {
                VariantDescriptor descriptor = offered.service().descriptor();
                offered.describe(descriptor);
                String problem = mismatch(offered, descriptor);
                if (problem != null) {
                    refuse(offered, problem);
                    continue;
                }
                ModelProto subGraph = OnnxModelIO.read(offered.service().subGraph());
                ModelProto alone = GraphComposer.compose(artifacts.model(), Map.of(
                        artifacts.boundary(descriptor.slot()), new Replacement(descriptor.id(), subGraph)));
                offered.admit(descriptor, subGraph);
                active.assessor().assess(offered, alone);
                LOG.log(Level.INFO, "variant {0} for slot {1} accepted ({2} params, {3} MACs)", descriptor.id(),
                        descriptor.slot(), descriptor.params(), descriptor.macs());
            } catch (GraphException e) {
                refuse(offered, e.getMessage());
            } catch (RuntimeException e) {
                refuse(offered, "the variant service failed: " + e);
            }
        }
    }

    private String mismatch(OfferedVariant offered, VariantDescriptor descriptor) {
        BackboneArtifacts artifacts = active.artifacts();
        if (descriptor == null) {
            return "variant " + offered.id() + " has no descriptor";
        }
        if (artifacts.slot(descriptor.slot()).isEmpty()) {
            return "variant " + descriptor.id() + " targets slot " + descriptor.slot()
                    + " which this backbone does not have (slots: "
                    + artifacts.slots().stream().map(s -> s.name()).toList() + ")";
        }
        // against the properties, not offered.slot()/id(): those follow the descriptor once it is described
        if (!descriptor.slot().equals(offered.slotProperty()) || !descriptor.id().equals(offered.idProperty())) {
            return "variant " + descriptor.id() + " for slot " + descriptor.slot()
                    + " is registered with different service properties (slot " + offered.slotProperty() + ", id "
                    + offered.idProperty() + ")";
        }
        return null;
    }

    private void refuse(OfferedVariant offered, String reason) {
        offered.refuse(reason);
        LOG.log(Level.WARNING, "variant {0} for slot {1} refused: {2}", offered.id(), offered.slot(), reason);
        journal.refused(offered);
    }

    /**
     * Proposes a plan for the unpinned slots and commits it only if the configuration that results agrees with the
     * serving one on at least {@code minAgreement} of the calibration images; otherwise the previous plan stays.
     */
    CompletableFuture<PlanOutcome> propose(Configuration proposed, double minAgreement, String trigger) {
        CompletableFuture<PlanOutcome> done = new CompletableFuture<>();
        Instant triggeredAt = Instant.now();
        execute(done, () -> {
            if (active == null) {
                throw new IllegalStateException("no model serves");
            }
            Map<String, String> previousPlan = plan;
            plan = proposed.variantBySlot();
            admitPending();
            Configuration before = serving.current().map(ComposedModel::configuration).orElse(Configuration.DEFAULT);
            Configuration wanted = SelectionRule.choose(active.artifacts().slots(), registry, pins.get(), plan)
                    .configuration();
            try {
                OptionalDouble agreement = swapTo("plan: " + trigger, triggeredAt, minAgreement);
                Configuration now = serving.current().map(ComposedModel::configuration).orElse(Configuration.DEFAULT);
                done.complete(new PlanOutcome(wanted, now.equals(wanted), now, agreement, now.equals(before)
                        ? "already serving" : "committed " + now.id()));
            } catch (Unhealthy e) {
                plan = previousPlan;
                LOG.log(Level.WARNING, "plan {0} {1} rolled back: {2}", wanted.id(), wanted.variantBySlot(),
                        e.getMessage());
                done.complete(new PlanOutcome(wanted, false, before, OptionalDouble.of(e.agreement), e.getMessage()));
            } catch (RuntimeException e) {
                plan = previousPlan;
                throw e;
            }
        });
        return done;
    }

    /** Withdraws the plan, on the swap thread (a rollback there cannot restore it); the ranking rule decides again. */
    CompletableFuture<Void> withdrawPlan() {
        CompletableFuture<Void> withdrawn = new CompletableFuture<>();
        execute(withdrawn, () -> {
            plan = null;
            withdrawn.complete(null);
        });
        return withdrawn.thenCompose(ok -> request("plan withdrawn"));
    }

    /** Composes {@code configuration} in a session of its own and times {@code runs} single inferences. */
    CompletableFuture<ConfigurationProfile> profile(Configuration configuration, int runs) {
        CompletableFuture<ConfigurationProfile> done = new CompletableFuture<>();
        execute(done, () -> {
            if (active == null) {
                throw new IllegalStateException("no model serves");
            }
            admitPending();
            Map<String, OfferedVariant> chosen = new HashMap<>();
            configuration.variantBySlot().forEach((slot, id) -> chosen.put(slot, registry.accepted(id)
                    .filter(v -> v.slot().equals(slot)).orElseThrow(() -> new IllegalArgumentException(
                            "no accepted variant " + id + " for slot " + slot))));
            ModelProto composed = compose(new SelectionRule.Selection(configuration, chosen));
            done.complete(ConfigurationTimer.time(configuration, composed, sessions, serving, active.artifacts(),
                    warmupRuns, runs));
        });
        return done;
    }

    private <T> void execute(CompletableFuture<T> done, Runnable task) {
        try {
            thread.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException | Error e) {
                    done.completeExceptionally(e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            done.completeExceptionally(new IllegalStateException("the backbone is shutting down"));
        }
    }

    /**
     * Makes the configuration the rule chooses serve. With a {@code minAgreement} (not NaN), a new configuration
     * serves only if it agrees that much with the serving one ({@link Unhealthy} otherwise). Returns the agreement
     * measured, if any.
     */
    private OptionalDouble swapTo(String trigger, Instant triggeredAt, double minAgreement) {
        BackboneArtifacts artifacts = active.artifacts();
        while (true) {
            SelectionRule.Selection selection = SelectionRule.choose(artifacts.slots(), registry, pins.get(), plan);
            Configuration wanted = selection.configuration();
            ComposedModel current = serving.current().orElse(null);
            if (current != null && current.model() == artifacts && current.configuration().equals(wanted)) {
                return OptionalDouble.empty();
            }
            long t0 = System.nanoTime();
            ModelProto composed;
            try {
                composed = compose(selection);
            } catch (CompositionException e) {
                // admission checked each variant alone; together they can still fail. Refuse and choose again.
                OfferedVariant culprit = selection.variantBySlot().get(e.slot());
                if (culprit == null) {
                    throw e;
                }
                refuse(culprit, e.getMessage());
                continue;
            }
            long t1 = System.nanoTime();
            try {
                return install(artifacts, wanted, composed, trigger, triggeredAt, t0, t1, minAgreement);
            } catch (RuntimeRefusal e) {
                // the graph checks passed but the runtime refused it: find the variant(s) it cannot run, or give up
                if (refuseWhatTheRuntimeCannotRun(selection) == 0) {
                    throw e;
                }
            }
        }
    }

    private ModelProto compose(SelectionRule.Selection selection) {
        BackboneArtifacts artifacts = active.artifacts();
        Map<SlotBoundary, Replacement> replacements = new HashMap<>();
        selection.variantBySlot().forEach((slot, variant) -> replacements.put(artifacts.boundary(slot),
                new Replacement(variant.id(), variant.subGraph())));
        return replacements.isEmpty() ? artifacts.model() : GraphComposer.compose(artifacts.model(), replacements);
    }

    private OptionalDouble install(BackboneArtifacts artifacts, Configuration configuration, ModelProto composed,
            String trigger,
            Instant triggeredAt, long composeStart, long composeEnd, double minAgreement) {
        CostCounter.ModelCost cost = CostCounter.count(composed); // before the session: if it throws, nothing leaks
        OrtSession session;
        try {
            session = sessions.create(OnnxModelIO.write(composed));
        } catch (OrtException e) {
            throw new RuntimeRefusal("ONNX Runtime refused configuration " + configuration.id() + ": "
                    + e.getMessage(), e);
        }
        long sessionEnd = System.nanoTime();
        ComposedModel next = new ComposedModel(sessions, session, artifacts, configuration, ++generation, cost);
        try {
            float[] zeros = new float[artifacts.inputShape().elementCount()];
            for (int i = 0; i < warmupRuns; i++) {
                serving.runOn(next, List.of(zeros));
            }
        } catch (RuntimeException e) {
            next.close();
            throw new RuntimeRefusal("warm-up of configuration " + configuration.id() + " failed: "
                    + e.getMessage(), e);
        }
        long warmEnd = System.nanoTime();
        OptionalDouble agreement = Double.isNaN(minAgreement) ? OptionalDouble.empty() : agreementWithServing(next);
        if (agreement.isPresent() && agreement.getAsDouble() < minAgreement) {
            next.close();
            throw new Unhealthy(agreement.getAsDouble(), String.format("configuration %s agrees with the serving"
                    + " configuration on %.1f%% of the calibration images, below the %.1f%% required",
                    configuration.id(), 100 * agreement.getAsDouble(), 100 * minAgreement));
        }
        serving.switchTo(next);
        SwapRecord record = new SwapRecord(next.generation(), configuration, trigger,
                triggeredAt == null ? Instant.now() : triggeredAt, Instant.now(), millis(composeEnd - composeStart),
                millis(sessionEnd - composeEnd), millis(warmEnd - sessionEnd));
        journal.swapped(record);
        LOG.log(Level.INFO, "serving generation {0}: configuration {1} {2} ({3} MACs); composed in {4} ms, session {5} ms,"
                + " warm-up {6} ms; trigger: {7}", next.generation(), configuration.id(),
                configuration.variantBySlot(), next.cost().macs(), fmt(record.composeMillis()),
                fmt(record.sessionMillis()), fmt(record.warmupMillis()), trigger);
        return agreement;
    }

    /** Fraction of the calibration images on which {@code next} predicts the class the serving model predicts. */
    private OptionalDouble agreementWithServing(ComposedModel next) {
        List<float[]> images = next.model().calibrationImages();
        ComposedModel current = serving.current().orElse(null);
        if (images.isEmpty() || current == null || current.model() != next.model() || !current.tryAcquire()) {
            return OptionalDouble.empty();
        }
        try {
            List<InferenceResult> before = serving.runOn(current, images);
            List<InferenceResult> after = serving.runOn(next, images);
            int same = 0;
            for (int i = 0; i < images.size(); i++) {
                same += before.get(i).predictedClass() == after.get(i).predictedClass() ? 1 : 0;
            }
            return OptionalDouble.of(same / (double) images.size());
        } finally {
            current.release();
        }
    }

    /** A configuration whose predictions moved too far from the serving one's. */
    private static final class Unhealthy extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final double agreement;

        Unhealthy(double agreement, String message) {
            super(message);
            this.agreement = agreement;
        }
    }

    /** Tries each chosen variant alone in a session with one inference; refuses those that fail. */
    private int refuseWhatTheRuntimeCannotRun(SelectionRule.Selection selection) {
        BackboneArtifacts artifacts = active.artifacts();
        int refused = 0;
        float[] zeros = new float[artifacts.inputShape().elementCount()];
        for (Map.Entry<String, OfferedVariant> chosen : selection.variantBySlot().entrySet()) {
            OfferedVariant variant = chosen.getValue();
            ModelProto alone = GraphComposer.compose(artifacts.model(), Map.of(artifacts.boundary(chosen.getKey()),
                    new Replacement(variant.id(), variant.subGraph())));
            try {
                CostCounter.ModelCost cost = CostCounter.count(alone);
                ComposedModel probe = new ComposedModel(sessions, sessions.create(OnnxModelIO.write(alone)),
                        artifacts, Configuration.DEFAULT, 0, cost);
                try {
                    serving.runOn(probe, List.of(zeros));
                } finally {
                    probe.close();
                }
            } catch (OrtException | RuntimeException e) {
                refuse(variant, "ONNX Runtime cannot run it: " + e.getMessage());
                refused++;
            }
        }
        return refused;
    }

    /** The runtime refused a composed model that passed the graph checks. */
    private static final class RuntimeRefusal extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RuntimeRefusal(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    private static String fmt(double millis) {
        return String.format("%.1f", millis);
    }

    /** Stops taking swaps and waits briefly for the running one. */
    @Override
    public void close() {
        ActiveModel last = active;
        if (last != null) {
            last.assessor().close();
        }
        thread.shutdown();
        try {
            if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            thread.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
