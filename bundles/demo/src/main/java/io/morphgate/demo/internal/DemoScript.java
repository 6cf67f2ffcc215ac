package io.morphgate.demo.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import io.morphgate.api.inference.InferenceService;
import io.morphgate.api.inference.ServingStatistics;
import io.morphgate.api.model.ModelControl;
import io.morphgate.api.model.ModelStatus;
import io.morphgate.api.policy.PolicyDecision;
import io.morphgate.api.policy.PolicyListener;

/**
 * The {@code --demo} walk-through, for a person meeting Morphgate: the full model serving; a MAC budget set and the
 * policy re-planning to a lighter configuration (with the accuracy it expects and the latency the gateway measures);
 * the low-rank operator bundle stopped and started while the gateway serves under that budget, the policy re-planning
 * each time; the budget lifted and the full model back. One line per step. Runs only when the framework property {@value #SCRIPT_PROPERTY} is true (the launcher's
 * {@code --demo} sets it) and stops the gateway at the end.
 */
@Component(service = PolicyListener.class, immediate = true)
public class DemoScript implements PolicyListener {

    /** Framework property: run the walk-through ({@code true}); its value {@code pause} seconds between steps. */
    static final String SCRIPT_PROPERTY = "morphgate.demo.script";
    static final String PAUSE_PROPERTY = "morphgate.demo.pause-seconds";
    static final String OPERATOR_BSN = "io.morphgate.operator.lowrank";
    /** The policy's budget (see docs/protocol.md, verb budget). */
    static final String BUDGET_PID = "morphgate.budget";
    /** The budget the walk-through sets: this fraction of the full model's MACs. */
    static final double MAC_FRACTION = 0.5;

    private static final System.Logger LOG = System.getLogger(DemoScript.class.getName());

    private final BundleContext context;
    private final ModelControl control;
    private final InferenceService inference;
    private final ConfigurationAdmin configurations;
    private final BlockingQueue<PolicyDecision> decisions = new LinkedBlockingQueue<>();
    private final Thread script;

    @Activate
    public DemoScript(BundleContext context, @Reference ModelControl control, @Reference InferenceService inference,
            @Reference ConfigurationAdmin configurations) {
        this.context = context;
        this.control = control;
        this.inference = inference;
        this.configurations = configurations;
        Duration pause = Duration.ofSeconds(parsePause(context.getProperty(PAUSE_PROPERTY)));
        this.script = new Thread(() -> run(pause), "morphgate-demo-script");
        if (Boolean.parseBoolean(context.getProperty(SCRIPT_PROPERTY))) {
            script.start();
        }
    }

    @Deactivate
    void deactivate() {
        script.interrupt();
    }

    @Override
    public void decided(PolicyDecision decision) {
        decisions.add(decision);
    }

    private void run(Duration pause) {
        long started = System.nanoTime();
        try {
            ModelStatus full = awaitServing();
            say("step 1/4: the full model %s serves: %s MACs per image. Watch the 'image ... by' lines: each names"
                    + " the configuration that answered.", full.model().map(m -> m.id()).orElse("?"),
                    millions(full.macs()));
            Thread.sleep(pause.toMillis());
            double fullP50 = p50(pause);

            long maxMacs = Math.round(full.macs() * MAC_FRACTION);
            say("step 2/4: budget set: at most %s MACs per image (%.0f%% of the full model). The policy re-plans...",
                    millions(maxMacs), 100 * MAC_FRACTION);
            decisions.clear();
            setBudget(maxMacs);
            describe(awaitDecision(d -> d.budget().maxMacs() == maxMacs && d.trigger().contains("budget"),
                    Duration.ofSeconds(120)), full.macs());
            Thread.sleep(pause.toMillis());
            say("          measured while it served: median %.2f ms per image, against %.2f ms for the full model",
                    p50(pause), fullP50);

            Optional<Bundle> operator = Arrays.stream(context.getBundles())
                    .filter(b -> OPERATOR_BSN.equals(b.getSymbolicName())).findFirst();
            if (operator.isPresent()) {
                Bundle b = operator.get();
                say("step 3/4: the low-rank operator bundle stops while the gateway serves under that budget: its"
                        + " variants go, and the policy re-plans without them...");
                decisions.clear();
                long t0 = System.nanoTime();
                b.stop();
                say("          stopped %s in %d ms", b.getSymbolicName(), (System.nanoTime() - t0) / 1_000_000);
                describe(awaitDecision(d -> true, Duration.ofSeconds(60)), full.macs());
                Thread.sleep(pause.toMillis());
                say("          ...and starts again: its variants come back, and so does the lighter configuration");
                decisions.clear();
                t0 = System.nanoTime();
                b.start();
                say("          started %s in %d ms", b.getSymbolicName(), (System.nanoTime() - t0) / 1_000_000);
                describe(awaitDecision(d -> d.outcome() != PolicyDecision.Outcome.UNCHANGED
                        || !d.chosen().variantBySlot().isEmpty(), Duration.ofSeconds(60)), full.macs());
                Thread.sleep(pause.toMillis());
            } else {
                say("step 3/4: skipped: bundle %s is not installed", OPERATOR_BSN);
            }

            say("step 4/4: budget lifted. The policy goes back to the full model...");
            decisions.clear();
            setBudget(-1);
            describe(awaitDecision(d -> d.budget().maxMacs() != maxMacs, Duration.ofSeconds(60)), full.macs());
            Thread.sleep(pause.toMillis());

            int seconds = (int) Math.max(1, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
            ServingStatistics all = inference.statistics(seconds);
            say("done: %d requests in the last %d s, %d failed. Stopping the gateway.", all.requests(),
                    (int) all.windowSeconds(), all.failures());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (RuntimeException | IOException | BundleException e) {
            LOG.log(Level.ERROR, "demo: the walk-through failed: " + e.getMessage(), e);
        }
        stopGateway();
    }

    private ModelStatus awaitServing() throws InterruptedException {
        while (true) {
            ModelStatus status = control.status();
            if (status.state() == ModelStatus.State.SERVING) {
                return status;
            }
            Thread.sleep(200);
        }
    }

    private PolicyDecision awaitDecision(Predicate<PolicyDecision> about, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            PolicyDecision d = decisions.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (d != null && about.test(d)) {
                return d;
            }
        }
        throw new IllegalStateException("the policy made no decision within " + timeout.toSeconds()
                + " s (is feature morphgate-policy installed?)");
    }

    private void describe(PolicyDecision d, long fullMacs) {
        say("          policy: %s %s, %s MACs%s, expected accuracy %s, predicted %.2f ms per image"
                + " (decided in %.1f ms)%s", d.outcome(), d.chosen().variantBySlot().isEmpty() ? "the full model"
                        : d.chosen().variantBySlot().toString(), millions(d.macs()),
                d.macs() < fullMacs ? String.format(" (%.1fx fewer)", fullMacs / (double) d.macs()) : "",
                Double.isNaN(d.expectedAccuracy()) ? "unknown" : String.format("%.1f%%", 100 * d.expectedAccuracy()),
                d.predictedLatencyMillis(), d.decisionMillis(),
                d.outcome() == PolicyDecision.Outcome.INFEASIBLE ? ": nothing fits the budget, the closest serves" : "");
    }

    private void setBudget(long maxMacs) throws IOException {
        Configuration budget = configurations.getConfiguration(BUDGET_PID, "?");
        Dictionary<String, Object> properties = budget.getProperties() == null ? new Hashtable<>()
                : budget.getProperties();
        if (maxMacs > 0) {
            properties.put("maxMacs", maxMacs);
        } else {
            properties.remove("maxMacs");
        }
        budget.update(properties);
    }

    private double p50(Duration window) {
        return inference.statistics((int) Math.max(1, window.toSeconds())).p50LatencyMillis();
    }

    private void stopGateway() {
        try {
            context.getBundle(Constants.SYSTEM_BUNDLE_ID).stop();
        } catch (BundleException | IllegalStateException e) {
            LOG.log(Level.WARNING, "demo: could not stop the gateway: " + e.getMessage());
        }
    }

    private static String millions(long n) {
        return String.format("%.2f M", n / 1e6);
    }

    private static void say(String format, Object... args) {
        LOG.log(Level.INFO, "demo: " + String.format(format, args));
    }

    static long parsePause(String value) {
        if (value == null || value.isBlank()) {
            return 4;
        }
        return Math.max(1, Long.parseLong(value.trim()));
    }
}
