package io.morphgate.gateway;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

import sun.misc.Signal;

/**
 * SIGTERM and SIGINT stop the framework and let main() return normally, so the process exits 0 after a clean stop.
 * (With only a shutdown hook the JVM would report 143 for SIGTERM.) The shutdown hook stays as the safety net.
 */
final class StopSignals {

    private static final Logger LOG = System.getLogger(StopSignals.class.getName());

    private StopSignals() {
    }

    static void install(Runnable stop) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), s -> {
                    LOG.log(Level.INFO, "SIG{0} received", name);
                    stop.run();
                });
            } catch (IllegalArgumentException e) {
                LOG.log(Level.DEBUG, "cannot handle SIG" + name + " (" + e.getMessage() + "): the shutdown hook stops the framework");
            }
        }
    }
}
