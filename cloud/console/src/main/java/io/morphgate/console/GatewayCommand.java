package io.morphgate.console;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

import org.eclipse.paho.client.mqttv3.MqttException;

import com.google.gson.JsonObject;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A subcommand that sends one verb to the target gateways and reports their replies. */
abstract class GatewayCommand implements Callable<Integer> {

    /** The gateways ready for the command, and the exit code of what made the others drop out. */
    record Ready(List<String> gateways, int exit) {
    }

    @Mixin
    ConnectionOptions connection;

    @Spec
    CommandSpec spec;

    /** The verb: the last level of morphgate/v1/<gatewayId>/cmd/<verb>. */
    abstract String verb();

    /** The payload's fields besides requestId. */
    abstract JsonObject body() throws Exception;

    /** What must reach the gateways before the command (a jar to upload), once {@link #body()} is known. */
    Ready beforeSending(CloudLink link, PrintWriter out) throws Exception {
        return new Ready(connection.gateways, Console.EXIT_OK);
    }

    @Override
    public Integer call() throws Exception {
        JsonObject body = body();
        PrintWriter out = spec.commandLine().getOut();
        try (CloudLink link = CloudLink.connect(connection)) {
            Ready ready = beforeSending(link, out);
            if (ready.gateways().isEmpty()) {
                return ready.exit();
            }
            // as in a command round: a gateway that timed out (3) outweighs one that answered an error (1)
            return Math.max(ready.exit(), new CommandRound(link, connection, out).run(ready.gateways(), verb(), body));
        } catch (MqttException e) {
            spec.commandLine().getErr().println("broker " + connection.broker + ": " + e.getMessage()
                    + (e.getCause() != null ? " (" + e.getCause().getMessage() + ")" : ""));
            return Console.EXIT_NO_REPLY;
        }
    }
}
