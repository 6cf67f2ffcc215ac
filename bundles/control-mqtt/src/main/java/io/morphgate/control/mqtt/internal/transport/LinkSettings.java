package io.morphgate.control.mqtt.internal.transport;

import java.nio.file.Path;
import java.util.Optional;

/**
 * How to reach the broker.
 *
 * @param password      read from the configured password file, so the secret is not in the configuration itself
 * @param caCertificate PEM file of the CA that signed the broker's certificate (ssl:// URLs)
 * @param sessionDir    where Paho keeps in-flight QoS 1 messages across restarts
 */
public record LinkSettings(String brokerUrl, String gatewayId, Optional<String> username, Optional<char[]> password,
        Optional<Path> caCertificate, int keepAliveSeconds, Path sessionDir) {

    /** Every topic of this gateway starts with this. */
    public String namespace() {
        return "morphgate/v1/" + gatewayId + "/";
    }
}
