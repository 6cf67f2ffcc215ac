package io.morphgate.policy.internal;

import java.io.File;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import io.morphgate.api.budget.Budget;
import io.morphgate.api.inference.InferenceService;
import io.morphgate.api.inference.ServingStatistics;
import io.morphgate.api.model.Configuration;
import io.morphgate.api.model.ModelControl;
import io.morphgate.api.model.ModelDescriptor;
import io.morphgate.api.model.ModelStatus;
import io.morphgate.api.policy.PolicyDecision;
import io.morphgate.api.policy.PolicyListener;
import io.morphgate.api.slot.SlotCatalog;

/**
 * The policy: chooses what fills every unpinned slot under the budget in force (PID {@code morphgate.budget}), and
 * plans again when the budget, the variants or the pins change, and when the measured latency leaves the budget (with
 * hysteresis). Every decision runs on the policy's own thread and goes to the {@link PolicyListener}s.
 */
// two PIDs (its settings and the budget), so no @Designate: bnd allows one PID per designate
@Component(service = {}, configurationPid = {"morphgate.policy", Budgets.PID}, immediate = true)
public class Policy {

    private static final System.Logger LOG = System.getLogger(Policy.class.getName());

    @Reference
    private ModelControl control;
    @Reference
    private InferenceService inference;
    @Reference
    private SlotCatalog catalog;

    private final List<PolicyListener> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "morphgate-policy");
        t.setDaemon(true);
        return t;
    });
    private BundleContext context;
    private volatile Budget budget;
    /** The model the policy plans for (its budget may be its own), or null. */
    private String modelId;
    private volatile Planner planner;

    @Activate
    void activate(BundleContext context, PolicyConfiguration config, Map<String, Object> properties) {
        this.context = context;
        // the policy runs for one model: a new model means a new catalog, so a new activation
        this.modelId = control.status().model().map(ModelDescriptor::id).orElse(null);
        this.budget = Budgets.from(properties, modelId);
        File data = context.getDataFile("profiles.json");
        ProfileStore store = ProfileStore.open(data == null ? null : data.toPath());
        this.planner = new Planner(control, catalog, new Profiler(control, store, context, config.profileRuns()),
                config, this::publish);
        LOG.log(Level.INFO, "policy started; budget {0}; {1} profiles stored", describe(budget), store.size());
        // until the first plan (profiling takes seconds) the full model serves, not whatever ranks highest
        control.propose(Configuration.DEFAULT, 0, "policy started: the full model until the first plan")
                .whenComplete((outcome, failure) -> {
                    if (failure != null) {
                        LOG.log(Level.WARNING, "the full model could not be proposed: " + failure.getMessage());
                    }
                });
        thread.scheduleWithFixedDelay(this::tick, 0, Math.max(50, config.tickMillis()), TimeUnit.MILLISECONDS);
    }

    @Modified
    void modified(PolicyConfiguration config, Map<String, Object> properties) {
        Budget changed = Budgets.from(properties, modelId);
        planner.configure(config);
        if (!changed.equals(budget)) {
            budget = changed;
            LOG.log(Level.INFO, "budget changed: {0}", describe(changed));
            run(() -> planner.budgetChanged(changed, "budget changed: " + describe(changed)));
        }
    }

    @Deactivate
    void deactivate() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Bundle system = context.getBundle(Constants.SYSTEM_BUNDLE_ID);
        if (system == null || system.getState() != Bundle.STOPPING) {
            // unpinned slots follow the ranking rule again; not waited for
            control.withdrawPlan();
        }
        LOG.log(Level.INFO, "policy stopped; its plan is withdrawn");
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindListener(PolicyListener listener) {
        listeners.add(listener);
    }

    void unbindListener(PolicyListener listener) {
        listeners.remove(listener);
    }

    /** Looks at the variants and pins (plans again when they changed), then at the load. */
    private void tick() {
        try {
            ModelStatus status = control.status();
            if (status.state() != ModelStatus.State.SERVING) {
                return;
            }
            Budget b = budget;
            if (planner.inputsChanged(status)) {
                planner.decide(planner.describeChange(), b, Optional.empty());
                return;
            }
            ServingStatistics load = inference.statistics(planner.loadWindowSeconds());
            planner.observeLoad(status, load, b);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "policy tick failed: " + e, e);
        }
    }

    private void run(Runnable task) {
        try {
            thread.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "policy decision failed: " + e, e);
                }
            });
        } catch (RejectedExecutionException stopping) {
            LOG.log(Level.DEBUG, "policy stopping; task dropped");
        }
    }

    private void publish(PolicyDecision decision) {
        LOG.log(Level.INFO, String.format("decision %s: %s %s (expected accuracy %.4f, predicted %.3f ms, %,d MACs;"
                + " search %.3f ms); trigger: %s%s", decision.outcome(), decision.chosen().id(),
                decision.chosen().variantBySlot(), decision.expectedAccuracy(), decision.predictedLatencyMillis(),
                decision.macs(), decision.decisionMillis(), decision.trigger(),
                decision.detail().isEmpty() ? "" : "; " + decision.detail()));
        for (PolicyListener listener : listeners) {
            try {
                listener.decided(decision);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "policy listener " + listener + " failed: " + e, e);
            }
        }
    }

    static String describe(Budget b) {
        StringBuilder s = new StringBuilder();
        if (!Double.isInfinite(b.maxLatencyMillis())) {
            s.append(" latency <= ").append(b.maxLatencyMillis()).append(" ms");
        }
        if (b.maxMacs() != Budget.UNLIMITED) {
            s.append(" MACs <= ").append(b.maxMacs());
        }
        if (b.maxParams() != Budget.UNLIMITED) {
            s.append(" params <= ").append(b.maxParams());
        }
        if (b.maxMemoryBytes() != Budget.UNLIMITED) {
            s.append(" memory <= ").append(b.maxMemoryBytes()).append(" bytes");
        }
        return s.length() == 0 ? "no limit" : s.toString().trim();
    }
}
