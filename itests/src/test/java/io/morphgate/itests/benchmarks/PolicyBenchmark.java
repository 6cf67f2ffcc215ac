package io.morphgate.itests.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.service.cm.ConfigurationAdmin;

import com.google.gson.GsonBuilder;

import io.morphgate.api.inference.InferenceService;
import io.morphgate.api.inference.ServingStatistics;
import io.morphgate.api.model.ModelControl;
import io.morphgate.api.model.ModelStatus;
import io.morphgate.api.model.SwapRecord;
import io.morphgate.api.model.VariantState;
import io.morphgate.api.policy.PolicyDecision;
import io.morphgate.api.policy.PolicyDecision.Outcome;
import io.morphgate.api.policy.PolicyListener;
import io.morphgate.itests.OperatorFeatures;
import io.morphgate.itests.TestSupport;

/**
 * Benchmark harness, not a test: it asserts nothing about speed. With all five operators and the policy it measures
 * the first profiling and a restart, the decision time of the exact search and the time from a budget change to the
 * new configuration serving, then drives the gateway through a ramp of load and budgets and records latency, budget
 * and active configuration over time. Writes {@code docs/benchmarks/policy.md} and {@code policy.json}
 * ({@link PolicyPlot} draws {@code policy.png} from it).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PolicyBenchmark extends TestSupport {

    private static final int BUDGET_CHANGES = 60;
    private static final long SAMPLE_MILLIS = 250;

    private final List<PolicyDecision> decisions = new CopyOnWriteArrayList<>();
    private ModelControl control;
    private InferenceService inference;

    @Configuration
    public Option[] configuration() {
        return gatewayOptions(Stream.concat(Arrays.stream(OperatorFeatures.ALL), Stream.of("morphgate-policy"))
                .toArray(String[]::new));
    }

    @Test
    public void measure() throws Exception {
        Instant started = Instant.now();
        control = service(ModelControl.class, 20_000);
        inference = service(InferenceService.class, 20_000);
        context.registerService(PolicyListener.class, decisions::add, null);
        configurePolicy(Map.of());
        setBudget(Map.of());
        await("all operators settled, every variant rated", 600_000, () -> OperatorFeatures.OPERATOR_BUNDLES.stream()
                .allMatch(b -> OperatorFeatures.settled(control, bundle(b))) && control.status().variants()
                .stream().filter(VariantState::accepted).allMatch(v -> v.agreement().isPresent()
                        || v.descriptor().expectedAccuracy().isPresent()));
        int eligible = (int) control.status().variants().stream().filter(VariantState::accepted).count();
        PolicyDecision complete = awaitDecision(0, d -> candidates(d) == eligible, 600_000);
        double firstProfilingSeconds = Duration.between(started, complete.decidedAt()).toMillis() / 1000.0;
        int profiledAtFirst = decisions.stream().mapToInt(PolicyDecision::profilesMeasured).sum();

        Bundle policy = bundle("io.morphgate.policy");
        policy.stop();
        int before = decisions.size();
        long restartStart = System.nanoTime();
        policy.start();
        PolicyDecision afterRestart = awaitDecision(before, d -> d.trigger().equals("policy started"), 120_000);
        double restartMillis = (System.nanoTime() - restartStart) / 1e6;

        long fullMacs = control.status().macs();
        StringBuilder md = new StringBuilder("# Policy benchmark\n\n").append(machine()).append('\n');
        md.append(String.format(Locale.ROOT, "All five operators: %d accepted variants over %d slots; backbone %s. "
                + "Policy settings: tick 250 ms, load window 2 s, cooldown 2.5 s, 2 readings over budget to step "
                + "down, 4 under 0.75 x budget to step up, health check 0.75 agreement.%n%n", eligible,
                control.status().slots().size(), control.status().backboneId()));
        md.append("## Profiling\n\n");
        md.append(String.format(Locale.ROOT, "- First start: %d profiles measured on the device (the default "
                + "configuration and each variant swapped in alone, 50 timed inferences each); the first decision "
                + "over every variant came %.1f s after the test started (operators deriving their variants in "
                + "parallel).%n", profiledAtFirst, firstProfilingSeconds));
        md.append(String.format(Locale.ROOT, "- Restart of the policy bundle: %d profiles measured (all read from "
                + "the store in its data area); first decision %.0f ms after the bundle started.%n%n",
                afterRestart.profilesMeasured(), restartMillis));

        budgetChanges(md, fullMacs, eligible);
        ramp(md, fullMacs);
        Path out = Path.of(System.getProperty("morphgate.benchmarks.out", "../docs/benchmarks"));
        Files.createDirectories(out);
        Files.writeString(out.resolve("policy.md"), md.toString(), StandardCharsets.UTF_8);
        System.out.println(md);
    }

    /** Decision time and time from a budget change to the new configuration serving. */
    private void budgetChanges(StringBuilder md, long fullMacs, int eligible) throws Exception {
        Random random = new Random(20261127);
        List<Double> searchMillis = new ArrayList<>();
        List<Double> toServingMillis = new ArrayList<>();
        List<Long> examined = new ArrayList<>();
        Map<Outcome, Integer> outcomes = new LinkedHashMap<>();
        long previousMacs = -1;
        for (int i = 0; i < BUDGET_CHANGES; i++) {
            long maxMacs;
            do {
                maxMacs = (long) (fullMacs * (0.3 + 0.05 * random.nextInt(14)));
            } while (maxMacs == previousMacs);
            previousMacs = maxMacs;
            Map<String, Object> limits = new HashMap<>(Map.of("maxMacs", maxMacs));
            if (i % 3 == 2) {
                limits.put("maxParams", 60_000L + 5_000L * random.nextInt(8));
            }
            long wantedMacs = maxMacs;
            int before = decisions.size();
            Instant changedAt = Instant.now();
            setBudget(limits);
            PolicyDecision d = awaitDecision(before, x -> x.budget().maxMacs() == wantedMacs, 120_000);
            searchMillis.add(d.decisionMillis());
            examined.add(d.combinationsExamined());
            outcomes.merge(d.outcome(), 1, Integer::sum);
            if (d.outcome() == Outcome.COMMITTED || (d.outcome() == Outcome.INFEASIBLE && !d.chosen().equals(d.previous()))) {
                SwapRecord swap = control.status().recentSwaps().stream()
                        .filter(s -> s.configuration().equals(d.chosen()) && !s.servingAt().isBefore(changedAt))
                        .reduce((a, b) -> b).orElse(null);
                if (swap != null) {
                    toServingMillis.add(Duration.between(changedAt, swap.servingAt()).toNanos() / 1e6);
                }
            }
        }
        md.append("## Decision time and budget change to serving\n\n");
        md.append(String.format(Locale.ROOT, "%d budget changes through Configuration Admin (PID morphgate.budget, "
                + "as the MQTT `budget` verb writes it): MAC limits from 30%% to 95%% of the full model in random "
                + "order, every third with a parameter limit too. Outcomes: %s.%n%n", BUDGET_CHANGES, outcomes));
        md.append("| figure | median | p99 | max | n |\n|---|---|---|---|---|\n");
        row(md, "exact search (decision time), ms", searchMillis);
        row(md, "budget change to new configuration serving, ms", toServingMillis);
        md.append(String.format(Locale.ROOT, "| search nodes visited | %d | %d | %d | %d |%n%n",
                percentileLong(examined, 50), percentileLong(examined, 99), Collections.max(examined),
                examined.size()));
        md.append(String.format(Locale.ROOT, "Goal: decision time at most 5 ms. The search space is the product "
                + "of (variants + 1) per slot (%s); branch and bound visits the nodes counted above. Budget change to "
                + "serving covers Configuration Admin's asynchronous delivery, the search, composing, the session, "
                + "warm-up and the health check (64 calibration images through both configurations).%n%n",
                candidateSpace(decisions.get(decisions.size() - 1))));
    }

    /** A ramp of load and budgets; samples latency, budget and configuration every 250 ms. */
    private void ramp(StringBuilder md, long fullMacs) throws Exception {
        setBudget(Map.of());
        awaitDecision(decisions.size() > 0 ? decisions.size() - 1 : 0, d -> d.budget().maxMacs() == Long.MAX_VALUE
                && Double.isInfinite(d.budget().maxLatencyMillis()), 60_000);
        List<Map<String, Object>> samples = new CopyOnWriteArrayList<>();
        Load load = new Load(inference);
        AtomicBoolean sampling = new AtomicBoolean(true);
        double[] latencyBudget = {Double.NaN};
        double rampBudget = Double.NaN;
        long[] macsBudget = {-1};
        long t0 = System.nanoTime();
        int firstDecision = decisions.size();
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                ServingStatistics s = inference.statistics(1);
                ModelStatus status = control.status();
                Map<String, Object> sample = new LinkedHashMap<>();
                sample.put("t", (System.nanoTime() - t0) / 1e9);
                sample.put("clients", load.clients());
                sample.put("p50", finite(s.p50LatencyMillis()));
                sample.put("p99", finite(s.p99LatencyMillis()));
                sample.put("latencyBudget", finite(latencyBudget[0]));
                sample.put("macsBudgetPercent", macsBudget[0] < 0 ? null : 100.0 * macsBudget[0] / fullMacs);
                sample.put("configuration", status.configuration().id());
                sample.put("macsPercent", 100.0 * status.macs() / fullMacs);
                samples.add(sample);
                try {
                    Thread.sleep(SAMPLE_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "policy-benchmark-sampler");
        sampler.start();
        try {
            load.set(1);
            Thread.sleep(6000);
            double lightP50 = inference.statistics(4).p50LatencyMillis();
            rampBudget = 1.3 * lightP50;
            latencyBudget[0] = rampBudget;
            setBudget(Map.of("maxLatencyMillis", rampBudget));
            for (int clients : new int[] {1, 2, 4, 6}) {
                load.set(clients);
                Thread.sleep(6000);
            }
            // the budget falls below what the full model measures, then returns
            latencyBudget[0] = 0.7 * lightP50;
            setBudget(Map.of("maxLatencyMillis", latencyBudget[0]));
            Thread.sleep(8000);
            latencyBudget[0] = rampBudget;
            setBudget(Map.of("maxLatencyMillis", rampBudget));
            for (int clients : new int[] {6, 4, 2, 1}) {
                load.set(clients);
                Thread.sleep(5000);
            }
            latencyBudget[0] = Double.NaN;
            for (double fraction : new double[] {0.5, 0.75}) {
                macsBudget[0] = (long) (fullMacs * fraction);
                setBudget(Map.of("maxMacs", macsBudget[0]));
                Thread.sleep(8000);
            }
            macsBudget[0] = -1;
            setBudget(Map.of());
            Thread.sleep(6000);
        } finally {
            sampling.set(false);
            sampler.join();
            load.set(0);
        }
        List<Map<String, Object>> timeline = new ArrayList<>();
        for (PolicyDecision d : decisions.subList(firstDecision, decisions.size())) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("trigger", d.trigger());
            row.put("outcome", d.outcome().name());
            row.put("chosen", d.chosen().id());
            row.put("variants", d.chosen().variantBySlot().toString());
            row.put("expectedAccuracy", finite(d.expectedAccuracy()));
            row.put("macs", d.macs());
            timeline.add(row);
        }
        Path out = Path.of(System.getProperty("morphgate.benchmarks.out", "../docs/benchmarks"));
        Files.createDirectories(out);
        Files.writeString(out.resolve("policy.json"), new GsonBuilder().setPrettyPrinting().create().toJson(Map.of("samples", samples, "decisions", timeline)));
        md.append("## Ramp of load and budgets\n\n![latency, budget and active configuration over time](policy.png)\n\n");
        md.append(String.format(Locale.ROOT, "The policy follows the serving median. 6 s with 1 client and no "
                + "budget; then a latency budget of 1.3 x the median measured with 1 client (%.3f ms) while the "
                + "clients go 1, 2, 4, 6 (6 s each); then the budget drops to 0.7 x that median for 8 s (below what "
                + "the full model measures) and returns, while the clients go 6, 4, 2, 1 (5 s each); then no latency "
                + "budget and MAC budgets of 50%% and 75%% of the full model (8 s each); then no budget (6 s). "
                + "Samples every 250 ms: p50 and p99 of the time in the model over the last second, the budgets, and "
                + "the MACs of the serving configuration.%n%n", rampBudget));
        md.append("Decisions during the ramp, in order:\n\n| # | trigger | outcome | configuration | expected accuracy | MACs |\n|---|---|---|---|---|---|\n");
        int n = 1;
        for (Map<String, Object> row : timeline) {
            md.append(String.format(Locale.ROOT, "| %d | %s | %s | %s %s | %.4f | %,d |%n", n++, row.get("trigger"),
                    row.get("outcome"), row.get("chosen"), row.get("variants"),
                    row.get("expectedAccuracy") == null ? Double.NaN : (Double) row.get("expectedAccuracy"),
                    (Long) row.get("macs")));
        }
        md.append('\n');
    }

    /** NaN and infinities as absent (JSON has no NaN). */
    private static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }

    private static int candidates(PolicyDecision d) {
        return d.candidates().values().stream().mapToInt(Integer::intValue).sum();
    }

    private static String candidateSpace(PolicyDecision d) {
        long space = 1;
        for (int n : d.candidates().values()) {
            space *= n + 1;
        }
        return d.candidates() + " = " + String.format(Locale.ROOT, "%,d", space) + " combinations";
    }

    private void configurePolicy(Map<String, Object> overrides) throws IOException {
        Hashtable<String, Object> policy = new Hashtable<>();
        policy.put("tickMillis", 250L);
        policy.put("loadWindowSeconds", 2);
        policy.put("cooldownMillis", 2500L);
        policy.put("overBudgetTicks", 2);
        policy.put("headroomTicks", 4);
        policy.put("loadPercentile", 50);
        policy.putAll(overrides);
        service(ConfigurationAdmin.class, 10_000).getConfiguration("morphgate.policy", "?").updateIfDifferent(policy);
    }

    private void setBudget(Map<String, Object> limits) throws IOException {
        service(ConfigurationAdmin.class, 10_000).getConfiguration("morphgate.budget", "?")
                .update(new Hashtable<>(limits));
    }

    private PolicyDecision awaitDecision(int from, Predicate<PolicyDecision> wanted, long timeoutMillis) {
        PolicyDecision[] found = new PolicyDecision[1];
        await("a policy decision", timeoutMillis, () -> {
            found[0] = decisions.subList(Math.min(from, decisions.size()), decisions.size()).stream().filter(wanted)
                    .findFirst().orElse(null);
            return found[0] != null;
        });
        return found[0];
    }

    private static void row(StringBuilder md, String name, List<Double> values) {
        if (values.isEmpty()) {
            md.append("| ").append(name).append(" | - | - | - | 0 |\n");
            return;
        }
        md.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %d |%n", name, percentile(values, 50),
                percentile(values, 99), Collections.max(values), values.size()));
    }

    private static double percentile(List<Double> values, double p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static long percentileLong(List<Long> values, double p) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static String machine() {
        return String.format(Locale.ROOT, "Measured %s on %d cores, %s %s, max heap %d MB. Figures are one run; the "
                + "machine is shared and noisy, so compare ratios and medians, not absolute numbers.%n",
                LocalDate.now(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), Runtime.getRuntime().maxMemory() / (1024 * 1024));
    }

    /** Clients calling the inference service in a loop; their number can change while running. */
    private static final class Load {
        private final InferenceService inference;
        private final List<AtomicBoolean> running = new ArrayList<>();
        private final List<Thread> threads = new ArrayList<>();

        Load(InferenceService inference) {
            this.inference = inference;
        }

        synchronized int clients() {
            return threads.size();
        }

        synchronized void set(int clients) throws InterruptedException {
            while (threads.size() < clients) {
                AtomicBoolean flag = new AtomicBoolean(true);
                Random random = new Random(threads.size());
                Thread t = new Thread(() -> {
                    float[] x = new float[inference.inputShape().elementCount()];
                    while (flag.get()) {
                        for (int i = 0; i < x.length; i++) {
                            x[i] = (float) random.nextGaussian();
                        }
                        inference.infer(x);
                    }
                }, "policy-benchmark-client-" + threads.size());
                t.start();
                running.add(flag);
                threads.add(t);
            }
            while (threads.size() > clients) {
                int last = threads.size() - 1;
                running.remove(last).set(false);
                threads.remove(last).join();
            }
        }
    }
}
