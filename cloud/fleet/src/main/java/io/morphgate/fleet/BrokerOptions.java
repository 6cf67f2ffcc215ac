package io.morphgate.fleet;

import java.nio.file.Path;

import io.morphgate.fleet.mqtt.BrokerSettings;
import picocli.CommandLine.Option;

/** The broker cluster: shared by every subcommand that connects. */
final class BrokerOptions {

    @Option(names = "--servers", description = "Every broker node, comma-separated, tried in order "
            + "(default: ${DEFAULT-VALUE}).", defaultValue = "tcp://127.0.0.1:1883,tcp://127.0.0.1:1884,tcp://127.0.0.1:1885")
    String servers;

    @Option(names = "--username", description = "MQTT user name.")
    String username;

    @Option(names = "--password-file", description = "File holding the MQTT password (first line).")
    Path passwordFile;

    @Option(names = "--keep-alive", description = "MQTT keep-alive in seconds (default: ${DEFAULT-VALUE}).",
            defaultValue = "10")
    int keepAliveSeconds;

    BrokerSettings settings() {
        return new BrokerSettings(BrokerSettings.parse(servers), username, passwordFile, keepAliveSeconds);
    }
}
