package io.morphgate.console;

import java.util.concurrent.Callable;

import org.eclipse.paho.client.mqttv3.MqttException;

import com.google.gson.JsonObject;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A subcommand that sends one verb to the target gateways and reports their replies. */
abstract class GatewayCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Spec
    CommandSpec spec;

    /** The verb: the last level of morphgate/v1/<gatewayId>/cmd/<verb>. */
    abstract String verb();

    /** The payload's fields besides requestId. */
    abstract JsonObject body() throws Exception;

    @Override
    public Integer call() throws Exception {
        JsonObject body = body();
        try (CloudLink link = CloudLink.connect(connection)) {
            return new CommandRound(link, connection, spec.commandLine().getOut()).run(verb(), body);
        } catch (MqttException e) {
            spec.commandLine().getErr().println("broker " + connection.broker + ": " + e.getMessage()
                    + (e.getCause() != null ? " (" + e.getCause().getMessage() + ")" : ""));
            return Console.EXIT_NO_REPLY;
        }
    }
}
