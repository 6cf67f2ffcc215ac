package io.morphgate.console;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The cloud side's command line: keys and signatures for bundles, model packaging, and commands to gateways over MQTT.
 */
@Command(name = "morphgate-console", mixinStandardHelpOptions = true, version = "Morphgate console",
        description = "Drives Morphgate gateways over MQTT (morphgate/v1/<gatewayId>/cmd/<verb>), packages models and "
                + "signs bundles.",
        subcommands = {KeygenCommand.class, SignCommand.class, InstallCommand.class, UpdateCommand.class,
                BundleCommand.Start.class, BundleCommand.Stop.class, BundleCommand.Uninstall.class,
                QueryCommand.ListBundles.class, QueryCommand.Variants.class, QueryCommand.Status.class,
                BudgetCommand.class, PinCommand.class, UnpinCommand.class, ModelCommand.class, WatchCommand.class})
public final class Console {

    /** Every gateway replied "ok" (a job: ended well). */
    static final int EXIT_OK = 0;
    /** A gateway replied with an error, or its job failed. */
    static final int EXIT_ERROR_REPLY = 1;
    /** The packager refused the model (one line on stderr says why). */
    static final int EXIT_REFUSED = 1;
    /** Bad arguments (picocli's own code). */
    static final int EXIT_USAGE = 2;
    /** No reply in time, or no connection to the broker. */
    static final int EXIT_NO_REPLY = 3;

    private Console() {
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(Console.class);
    }
}
