package io.morphgate.gateway;

/**
 * One plain line per log record. bin/morphgate passes conf/logging.properties; without it (IDE, tests) the same
 * format is set here, before the first logger exists.
 */
final class LogSetup {

    static final String FORMAT = "%1$tF %1$tT.%1$tL %4$-7s %3$s: %5$s%6$s%n";

    private LogSetup() {
    }

    static void init() {
        if (System.getProperty("java.util.logging.config.file") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", FORMAT);
        }
    }
}
