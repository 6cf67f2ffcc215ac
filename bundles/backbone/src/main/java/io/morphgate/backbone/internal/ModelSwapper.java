package io.morphgate.backbone.internal;

import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OrtEnvironment;
import io.morphgate.api.model.Configuration;
import io.morphgate.api.model.ConfigurationProfile;
import io.morphgate.api.model.PlanOutcome;
import io.morphgate.backbone.internal.ConfigurationInstaller.Unhealthy;
import io.morphgate.backbone.internal.SessionFactory.RuntimeRefusal;
import io.morphgate.onnx.CompositionException;

/**
 * Decides what serves, on the {@link SwapThread}: which model (activate, deactivate), which plan (propose, withdraw)
 * and so which configuration ({@link SelectionRule}); admission of new variants ({@link VariantAdmission}) and the
 * switch itself ({@link ConfigurationInstaller}) are done by the pieces it holds. Every change of the model, the plan
 * or the rule for unplanned slots runs on the swap thread, in the order asked for, so a later change can never be
 * undone by an earlier one finishing after it.
 */
final class ModelSwapper implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ModelSwapper.class.getName());

    private final VariantRegistry registry;
    private final Supplier<Map<String, String>> pins;
    private final SessionFactory sessions;
    private final ServingModel serving;
    private final SwapJournal journal;
    private final int warmupRuns;
    private final OrtEnvironment environment;
    private final VariantAdmission admission;
    private final ConfigurationInstaller installer;
    private final SwapThread thread;
    /** The model being served, with what the swapper keeps for it; null while none serves. Written on the thread. */
    private volatile ActiveModel active;
    /** The policy's plan for unpinned slots (slot to variant id), or null. Written on the thread. */
    private volatile Map<String, String> plan;
    /** What fills a slot neither pinned nor planned. Written on the thread. */
    private volatile UnplannedSlots unplanned;

    ModelSwapper(OrtEnvironment environment, VariantRegistry registry, Supplier<Map<String, String>> pins,
            SessionFactory sessions, ServingModel serving, SwapJournal journal, int warmupRuns, long coalesceMillis,
            UnplannedSlots unplanned) {
        this.environment = environment;
        this.registry = registry;
        this.pins = pins;
        this.sessions = sessions;
        this.serving = serving;
        this.journal = journal;
        this.warmupRuns = warmupRuns;
        this.unplanned = unplanned;
        this.admission = new VariantAdmission(registry, journal);
        this.installer = new ConfigurationInstaller(sessions, serving, journal, admission, warmupRuns);
        this.thread = new SwapThread(coalesceMillis, this::swap);
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
        thread.execute(done, () -> {
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
        try {
            installer.install(next, Configuration.DEFAULT, next.model(), 0, "model " + next.id() + ": " + trigger,
                    triggeredAt, Double.NaN);
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
        return thread.submit(task);
    }

    /**
     * Asks for the configuration to be chosen again. Returns at once; the future completes when a swap that started
     * after this call has finished (whether or not it changed anything).
     */
    CompletableFuture<Void> request(String trigger) {
        return thread.request(trigger);
    }

    /** Changes what fills the slots that are neither pinned nor planned, and chooses the configuration again. */
    CompletableFuture<Void> setUnplannedSlots(UnplannedSlots rule) {
        return thread.submit(() -> {
            unplanned = rule;
            return null;
        }).thenCompose(ok -> request("unplanned slots: " + rule));
    }

    private void swap(List<String> why, Instant triggeredAt) {
        if (active == null) {
            return; // no model: nothing to compose
        }
        try {
            admission.admitPending(active);
            swapTo(String.join("; ", why), triggeredAt, Double.NaN);
        } catch (RuntimeException | Error e) {
            journal.failed("swap failed: " + e.getMessage());
            LOG.log(Level.ERROR, "swap failed: " + e.getMessage(), e);
            throw e;
        }
    }

    /**
     * Proposes a plan for the unpinned slots and commits it only if the configuration that results agrees with the
     * serving one on at least {@code minAgreement} of the calibration images; otherwise the previous plan stays.
     */
    CompletableFuture<PlanOutcome> propose(Configuration proposed, double minAgreement, String trigger) {
        CompletableFuture<PlanOutcome> done = new CompletableFuture<>();
        Instant triggeredAt = Instant.now();
        thread.execute(done, () -> {
            if (active == null) {
                throw new IllegalStateException("no model serves");
            }
            Map<String, String> previousPlan = plan;
            plan = proposed.variantBySlot();
            admission.admitPending(active);
            Configuration before = servingConfiguration();
            Configuration wanted = select().configuration();
            try {
                OptionalDouble agreement = swapTo("plan: " + trigger, triggeredAt, minAgreement);
                Configuration now = servingConfiguration();
                done.complete(new PlanOutcome(wanted, now.equals(wanted), now, agreement, now.equals(before)
                        ? "already serving" : "committed " + now.id()));
            } catch (Unhealthy e) {
                plan = previousPlan;
                LOG.log(Level.WARNING, "plan {0} {1} rolled back: {2}", wanted.id(), wanted.variantBySlot(),
                        e.getMessage());
                done.complete(new PlanOutcome(wanted, false, before, OptionalDouble.of(e.agreement()),
                        e.getMessage()));
            } catch (RuntimeException e) {
                plan = previousPlan;
                throw e;
            }
        });
        return done;
    }

    /** Withdraws the plan, on the swap thread after whatever was asked before; unplanned slots follow the rule. */
    CompletableFuture<Void> withdrawPlan() {
        return thread.submit(() -> {
            plan = null;
            return null;
        }).thenCompose(ok -> request("plan withdrawn"));
    }

    /** Composes {@code configuration} in a session of its own and times {@code runs} single inferences. */
    CompletableFuture<ConfigurationProfile> profile(Configuration configuration, int runs) {
        return thread.submit(() -> {
            if (active == null) {
                throw new IllegalStateException("no model serves");
            }
            admission.admitPending(active);
            Map<String, OfferedVariant> chosen = new HashMap<>();
            configuration.variantBySlot().forEach((slot, id) -> chosen.put(slot, registry.accepted(id)
                    .filter(v -> v.slot().equals(slot)).orElseThrow(() -> new IllegalArgumentException(
                            "no accepted variant " + id + " for slot " + slot))));
            ModelProto composed = ConfigurationInstaller.compose(active.artifacts(),
                    new SelectionRule.Selection(configuration, chosen));
            return ConfigurationTimer.time(configuration, composed, sessions, serving, active.artifacts(),
                    warmupRuns, runs);
        });
    }

    private SelectionRule.Selection select() {
        return SelectionRule.choose(active.artifacts().slots(), registry, pins.get(), plan, unplanned);
    }

    private Configuration servingConfiguration() {
        return serving.current().map(ComposedModel::configuration).orElse(Configuration.DEFAULT);
    }

    /**
     * Makes the configuration the rule chooses serve. With a {@code minAgreement} (not NaN), a new configuration
     * serves only if it agrees that much with the serving one ({@link Unhealthy} otherwise). Returns the agreement
     * measured, if any. A combination that fails to compose or to run has the variant at fault refused, and the
     * rule chooses again.
     */
    private OptionalDouble swapTo(String trigger, Instant triggeredAt, double minAgreement) {
        BackboneArtifacts artifacts = active.artifacts();
        while (true) {
            SelectionRule.Selection selection = select();
            Configuration wanted = selection.configuration();
            ComposedModel current = serving.current().orElse(null);
            if (current != null && current.model() == artifacts && current.configuration().equals(wanted)) {
                return OptionalDouble.empty();
            }
            long t0 = System.nanoTime();
            ModelProto composed;
            try {
                composed = ConfigurationInstaller.compose(artifacts, selection);
            } catch (CompositionException e) {
                // admission checked each variant alone; together they can still fail. Refuse and choose again.
                OfferedVariant culprit = selection.variantBySlot().get(e.slot());
                if (culprit == null) {
                    throw e;
                }
                admission.refuse(culprit, e.getMessage());
                continue;
            }
            double composeMillis = (System.nanoTime() - t0) / 1e6;
            try {
                return installer.install(artifacts, wanted, composed, composeMillis, trigger, triggeredAt,
                        minAgreement);
            } catch (RuntimeRefusal e) {
                // the graph checks passed but the runtime refused it: find the variant(s) it cannot run, or give up
                if (installer.refuseWhatTheRuntimeCannotRun(artifacts, selection) == 0) {
                    throw e;
                }
            }
        }
    }

    /** Stops taking swaps and waits briefly for the running one. */
    @Override
    public void close() {
        ActiveModel last = active;
        if (last != null) {
            last.assessor().close();
        }
        thread.close();
    }
}
