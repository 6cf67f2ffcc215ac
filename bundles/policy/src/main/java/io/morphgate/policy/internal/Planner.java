package io.morphgate.policy.internal;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import io.morphgate.api.budget.Budget;
import io.morphgate.api.inference.ServingStatistics;
import io.morphgate.api.model.Configuration;
import io.morphgate.api.model.ConfigurationProfile;
import io.morphgate.api.model.ModelControl;
import io.morphgate.api.model.ModelStatus;
import io.morphgate.api.model.PlanOutcome;
import io.morphgate.api.policy.PolicyDecision;
import io.morphgate.api.policy.PolicyDecision.Outcome;
import io.morphgate.api.slot.SlotCatalog;

/**
 * One decision, start to end: options from the status and the profiles, the exact search, the health-checked
 * proposal to the backbone, the measurement after a swap (and a new plan when it is over budget), and the decision
 * published. Runs on the policy's thread only.
 */
final class Planner {

    private static final long PROPOSAL_TIMEOUT_SECONDS = 120;

    private final ModelControl control;
    private final SlotCatalog catalog;
    private final Profiler profiler;
    private final Consumer<PolicyDecision> publisher;
    private volatile PolicyConfiguration config;
    private volatile LoadGovernor governor;
    /** Variants whose plan failed its health check alone; forgotten when the variant goes away. */
    private final Set<String> unhealthy = new HashSet<>();
    /** Configurations that failed their health check with several new variants at once. */
    private final Set<Configuration> excluded = new HashSet<>();
    private final PredictedVersusMeasured predictions = new PredictedVersusMeasured();
    private SlotOptions.Built last;
    private String lastSignature;

    Planner(ModelControl control, SlotCatalog catalog, Profiler profiler, PolicyConfiguration config,
            Consumer<PolicyDecision> publisher) {
        this.control = control;
        this.catalog = catalog;
        this.profiler = profiler;
        this.publisher = publisher;
        configure(config);
    }

    void configure(PolicyConfiguration next) {
        PolicyConfiguration previous = this.config;
        this.config = next;
        if (previous == null || previous.overBudgetTicks() != next.overBudgetTicks()
                || previous.headroomTicks() != next.headroomTicks() || previous.headroom() != next.headroom()
                || previous.cooldownMillis() != next.cooldownMillis()
                || previous.loadWindowSeconds() != next.loadWindowSeconds()) {
            governor = new LoadGovernor(next.overBudgetTicks(), next.headroomTicks(), next.headroom(),
                    Math.max(next.cooldownMillis(), next.loadWindowSeconds() * 1000L));
        }
    }

    int loadWindowSeconds() {
        return Math.max(1, Math.min(60, config.loadWindowSeconds()));
    }

    /** True when the variants, their accuracy estimates or the pins changed since the last decision. */
    boolean inputsChanged(ModelStatus status) {
        Set<String> present = new HashSet<>();
        status.variants().forEach(v -> present.add(v.descriptor().id()));
        unhealthy.retainAll(present);
        return !SlotOptions.signature(status, catalog.fullModelAccuracy(), unhealthy).equals(lastSignature);
    }

    String describeChange() {
        return lastSignature == null ? "policy started" : "variants or pins changed";
    }

    void budgetChanged(Budget budget, String trigger) {
        governor.reset();
        decide(trigger, budget, Optional.empty());
    }

    /** One load measurement; steps down or up when the governor says so. */
    void observeLoad(ModelStatus status, ServingStatistics load, Budget budget) {
        if (last == null) {
            return;
        }
        boolean tail = config.loadPercentile() >= 99;
        double predicted = predictUnscaled(status.configuration());
        // without traffic a request would meet an idle device: the profile is the measurement
        double measured = load.requests() < config.minRequests() ? predicted
                : tail ? load.p99LatencyMillis() : load.p50LatencyMillis();
        governor.observe(measured, predicted, budget.maxLatencyMillis(), System.currentTimeMillis()).ifPresent(step -> {
            String trigger = String.format("%s: serving %s %.3f ms over the last %d s, budget %.3f ms",
                    step.direction() == LoadGovernor.Direction.DOWN ? "overload" : "headroom", tail ? "p99" : "p50",
                    measured,
                    loadWindowSeconds(), budget.maxLatencyMillis());
            decide(trigger, budget, Optional.of(step));
        });
    }

    /** Plans, proposes, measures and publishes; plans again (a bounded number of times) after a bad outcome. */
    void decide(String trigger, Budget budget, Optional<LoadGovernor.Step> step) {
        decide(trigger, budget, step, 0);
    }

    private void decide(String trigger, Budget budget, Optional<LoadGovernor.Step> step, int round) {
        ModelStatus status = control.status();
        Profiler.Counter profiled = new Profiler.Counter();
        SlotOptions.Built built = SlotOptions.build(status, catalog.fullModelAccuracy(), unhealthy, profiler, profiled);
        last = built;
        lastSignature = built.signature();
        boolean stepUp = step.map(s -> s.direction() == LoadGovernor.Direction.UP).orElse(false);
        Budget searchBudget = stepUp ? Budgets.withLatencyScaled(budget, governor.headroom()) : budget;
        double factor = governor.factor();
        long started = System.nanoTime();
        ConfigurationSearch.Plan plan = ConfigurationSearch.solve(new ConfigurationSearch.Problem(
                built.base().medianMillis(), built.base().macs(), built.base().params(), built.base().weightBytes(),
                built.perSlot(), searchBudget, factor, Set.copyOf(excluded), Math.max(1, config.searchNodeLimit())));
        double searchMillis = (System.nanoTime() - started) / 1e6;
        Configuration chosen = plan.configuration();
        Map<String, String> proposal = new HashMap<>(chosen.variantBySlot());
        built.pinnedSlots().forEach(proposal::remove);
        double measuredBefore = step.map(LoadGovernor.Step::measuredMillis).orElse(Double.NaN);
        DecisionFigures figures = new DecisionFigures(trigger, budget, factor, status.configuration(), chosen, plan,
                built, searchMillis, profiled.count(), catalog.fullModelAccuracy());
        PlanOutcome outcome;
        try {
            outcome = control.propose(new Configuration(proposal), config.minAgreement(), trigger)
                    .toCompletableFuture().get(PROPOSAL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            String why = e instanceof ExecutionException ? e.getCause().getMessage() : "no answer in time";
            publisher.accept(figures.decision(Outcome.FAILED, measuredBefore, OptionalDouble.empty(),
                    "the backbone did not take the plan: " + why));
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (!outcome.committed()) {
            blame(outcome, status.configuration(), chosen);
            publisher.accept(figures.decision(Outcome.ROLLED_BACK, measuredBefore, outcome.agreement(),
                    outcome.detail()));
            if (round < config.maxClosedLoopRounds()) {
                decide("after rollback of " + outcome.proposed().id() + " (" + trigger + ")", budget, step, round + 1);
            }
            return;
        }
        boolean changed = !outcome.serving().equals(status.configuration());
        Outcome kind = !plan.feasible() ? Outcome.INFEASIBLE : changed ? Outcome.COMMITTED : Outcome.UNCHANGED;
        if (!changed) {
            publisher.accept(figures.decision(kind, measuredBefore, outcome.agreement(), plan.feasible() ? ""
                    : "nothing fits the budget; the configuration closest to it serves"));
            return;
        }
        // closed loop: the configuration now serving, measured on the device
        double measured = measure(outcome.serving());
        double predictedUnscaled = plan.predictedLatencyMillis() / factor;
        double ratio = predictions.record(predictUnscaled(outcome.serving()), measured);
        String detail = String.format("%s; measured after the swap: %.3f ms; %s", outcome.detail(), measured,
                predictions.describe(ratio));
        publisher.accept(figures.decision(kind, measured, outcome.agreement(), detail));
        if (measured > budget.maxLatencyMillis() && round < config.maxClosedLoopRounds() && predictedUnscaled > 0) {
            governor.raise(measured / predictedUnscaled, System.currentTimeMillis());
            decide(String.format("after swap: measured %.3f ms over the budget of %.3f ms", measured,
                    budget.maxLatencyMillis()), budget, Optional.empty(), round + 1);
        }
    }

    private double measure(Configuration configuration) {
        try {
            ConfigurationProfile p = profiler.measure(configuration);
            return p.medianLatencyMillis();
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    /** One new variant: it is unhealthy. Several: only this combination is excluded. */
    private void blame(PlanOutcome outcome, Configuration previous, Configuration chosen) {
        List<String> added = outcome.proposed().variantBySlot().entrySet().stream()
                .filter(e -> !e.getValue().equals(previous.variantBySlot().get(e.getKey())))
                .map(Map.Entry::getValue).toList();
        if (added.size() == 1) {
            unhealthy.add(added.get(0));
        } else {
            excluded.add(chosen);
        }
    }

    /** Latency the profiles predict for a configuration on an idle device. */
    private double predictUnscaled(Configuration configuration) {
        double latency = last.base().medianMillis();
        for (List<SlotOption> slot : last.perSlot()) {
            for (SlotOption o : slot) {
                if (!o.isDefaultLayer() && o.variantId().equals(configuration.variantBySlot().get(o.slot()))) {
                    latency += o.latencyMillis();
                }
            }
        }
        return latency;
    }

    /** Predicted against measured latency over the recent committed plans. */
    PredictedVersusMeasured predictions() {
        return predictions;
    }

    /**
     * What a decision says about its search: nothing when it finished (the plan is the best of the model); when the
     * node limit stopped it, how much more the plan may lose than the best plan (the optimality gap in accuracy).
     */
    static String searchDetail(ConfigurationSearch.Plan plan) {
        if (plan.proven()) {
            return "";
        }
        if (!plan.feasible()) {
            return String.format(Locale.ROOT, "search stopped at its limit of nodes (%,d examined) before proving that"
                    + " nothing fits or which configuration is closest", plan.examined());
        }
        return String.format(Locale.ROOT, "search stopped at its limit of nodes (%,d examined): expected drop %.4f,"
                + " at most %.4f above the best plan (lower bound %.4f)", plan.examined(), plan.accuracyDrop(),
                plan.gap(), plan.dropLowerBound());
    }

    /** The figures a decision is made from; the outcome is added when known. */
    private record DecisionFigures(String trigger, Budget budget, double factor, Configuration previous,
            Configuration chosen, ConfigurationSearch.Plan plan, SlotOptions.Built built, double searchMillis,
            int profiled, OptionalDouble fullAccuracy) {

        PolicyDecision decision(Outcome outcome, double measured, OptionalDouble agreement, String detail) {
            String search = searchDetail(plan);
            String full = search.isEmpty() ? detail : detail.isEmpty() ? search : search + "; " + detail;
            return new PolicyDecision(Instant.now(), trigger, budget, factor, previous, chosen, outcome,
                    built.pinnedSlots(), expectedAccuracy(), plan.predictedLatencyMillis(), measured, plan.macs(),
                    plan.params(), plan.weightBytes(), agreement, built.candidates(), plan.examined(), searchMillis,
                    profiled, full);
        }

        /** The accuracy model: the full model's accuracy minus the chosen variants' single-swap drops. */
        private double expectedAccuracy() {
            return fullAccuracy.isPresent() ? fullAccuracy.getAsDouble() - plan.accuracyDrop() : Double.NaN;
        }
    }
}
