package io.morphgate.console;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine.Option;

/** How to reach the broker and which gateways a command is for: shared by every MQTT subcommand. */
final class ConnectionOptions {

    @Option(names = "--broker", description = "Broker URL: tcp://host:1883 or ssl://host:8883 (default: ${DEFAULT-VALUE}).",
            defaultValue = "tcp://127.0.0.1:1883")
    String broker;

    @Option(names = "--ca", description = "PEM CA certificate(s) to trust for ssl:// (default: the JVM's trust store).")
    Path caFile;

    @Option(names = "--username", description = "MQTT user name (Mosquitto: cloud).")
    String username;

    @Option(names = "--password-file", description = "File holding the MQTT password (first line).")
    Path passwordFile;

    @Option(names = {"--gateway", "-g"}, required = true, description = "Target gateway id. Repeatable.")
    List<String> gateways = new ArrayList<>();

    @Option(names = "--timeout", description = "Seconds to wait for each reply, and for a job's outcome (default: ${DEFAULT-VALUE}).",
            defaultValue = "30")
    int timeoutSeconds;

    Duration timeout() {
        return Duration.ofSeconds(timeoutSeconds);
    }
}
