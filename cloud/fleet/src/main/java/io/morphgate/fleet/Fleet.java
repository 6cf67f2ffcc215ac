package io.morphgate.fleet;

import java.util.logging.Level;
import java.util.logging.Logger;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The fleet's command line: the long-running controller ({@code serve}), what it knows ({@code gateways}), groups,
 * budget rollouts in waves ({@code deploy}, {@code status}, {@code abort}), desired state and drift ({@code drift},
 * {@code reconcile}), and a simulator of many gateways.
 */
@Command(name = "morphgate-fleet", mixinStandardHelpOptions = true, version = "Morphgate fleet",
        description = "Keeps an inventory of Morphgate gateways and rolls budgets out to them in waves, over a "
                + "clustered MQTT broker; simulates gateways for tests.",
        subcommands = {ServeCommand.class, GatewaysCommand.class, GroupCommand.class, DeployCommand.class,
                RolloutStatusCommand.class, AbortCommand.class, DriftCommand.class, ReconcileCommand.class,
                SimulateCommand.class})
public final class Fleet {

    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    /** Held, so its level stays (the log manager keeps loggers weakly). */
    private static final Logger FLYWAY = Logger.getLogger("org.flywaydb");

    private Fleet() {
    }

    public static void main(String[] args) {
        // one line per log record; Flyway says "schema up to date" at every command: only its warnings
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT.%1$tL %4$-7s %3$s: %5$s%6$s%n");
        }
        FLYWAY.setLevel(Level.WARNING);
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(Fleet.class);
    }
}
