package io.morphgate.gateway;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;

import io.morphgate.wire.BundleStates;

/**
 * The --demo choreography: with the gateway serving, take the low-rank operator bundle away and bring it back,
 * so the backbone swaps its slots back to the original layers and then to the operator again. The inference and
 * swap lines themselves come from the backbone and the demo bundle.
 */
final class HotSwapDemo {

    static final String OPERATOR_BSN = "io.morphgate.operator.lowrank";
    /** What the parent pom's naming rule makes of morphgate-operator-lowrank today; accepted, with a warning. */
    static final String OPERATOR_BSN_FROM_ARTIFACT = "io.morphgate.operator-lowrank";
    private static final Logger LOG = System.getLogger(HotSwapDemo.class.getName());

    private final BundleContext context;
    private final Duration pause;

    HotSwapDemo(BundleContext context, Duration pause) {
        this.context = context;
        this.pause = pause;
    }

    void run() throws InterruptedException {
        Optional<Bundle> operator = find(OPERATOR_BSN);
        if (operator.isEmpty()) {
            operator = find(OPERATOR_BSN_FROM_ARTIFACT);
            operator.ifPresent(b -> LOG.log(Level.WARNING, "demo: using " + OPERATOR_BSN_FROM_ARTIFACT
                    + ", the low-rank operator's symbolic name is expected to be " + OPERATOR_BSN));
        }
        if (operator.isEmpty()) {
            LOG.log(Level.WARNING, "demo: no bundle {0} installed: nothing to swap", OPERATOR_BSN);
            return;
        }
        Bundle b = operator.get();
        LOG.log(Level.INFO, "demo: serving with " + b.getSymbolicName() + " for " + pause.toSeconds() + " s");
        Thread.sleep(pause.toMillis());
        step(b, false);
        Thread.sleep(pause.toMillis());
        step(b, true);
        Thread.sleep(pause.toMillis());
        LOG.log(Level.INFO, "demo: done");
    }

    private Optional<Bundle> find(String symbolicName) {
        return Arrays.stream(context.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName())).findFirst();
    }

    private static void step(Bundle b, boolean start) {
        LOG.log(Level.INFO, "demo: " + (start ? "starting " : "stopping ") + b.getSymbolicName());
        try {
            long t0 = System.nanoTime();
            if (start) {
                b.start();
            } else {
                b.stop();
            }
            LOG.log(Level.INFO, "demo: " + (start ? "started " : "stopped ") + b.getSymbolicName() + " in "
                    + (System.nanoTime() - t0) / 1_000_000 + " ms (state " + BundleStates.name(b.getState()) + ")");
        } catch (BundleException | RuntimeException e) {
            LOG.log(Level.ERROR, "demo: could not " + (start ? "start " : "stop ") + b.getSymbolicName() + ": " + e.getMessage());
        }
    }
}
