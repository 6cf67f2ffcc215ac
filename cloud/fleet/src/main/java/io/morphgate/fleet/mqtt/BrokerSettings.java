package io.morphgate.fleet.mqtt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import org.eclipse.paho.client.mqttv3.MqttConnectOptions;

/**
 * Where the broker cluster is and how to log in: every node's URL (a client tries them in order and moves to the next
 * when one is down), an optional user and password file. Shared by the controller and the simulator.
 *
 * @param servers          tcp://host:port of each node
 * @param keepAliveSeconds MQTT keep-alive; the broker publishes a last will after 1.5 times this without traffic
 */
public record BrokerSettings(List<String> servers, String username, Path passwordFile, int keepAliveSeconds) {

    public BrokerSettings {
        servers = List.copyOf(servers);
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("no broker node given (--servers tcp://host:port,...)");
        }
    }

    /** From "tcp://a:1883,tcp://b:1884". */
    public static BrokerSettings of(String commaSeparated) {
        return new BrokerSettings(parse(commaSeparated), null, null, 10);
    }

    public static List<String> parse(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** The same nodes, starting at node {@code first}: spreads many clients over the cluster. */
    public BrokerSettings rotated(int first) {
        int n = servers.size();
        List<String> order = IntStream.range(0, n).mapToObj(i -> servers.get((first + i) % n)).toList();
        return new BrokerSettings(order, username, passwordFile, keepAliveSeconds);
    }

    MqttConnectOptions connectOptions() {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setKeepAliveInterval(keepAliveSeconds);
        options.setConnectionTimeout(10);
        options.setMaxInflight(1000);
        if (username != null) {
            options.setUserName(username);
        }
        if (passwordFile != null) {
            try {
                options.setPassword(Files.readAllLines(passwordFile, StandardCharsets.UTF_8).get(0).trim().toCharArray());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the password file " + passwordFile, e);
            }
        }
        return options;
    }
}
