package io.morphgate.control.mqtt.internal.transport;

import java.nio.file.Path;

import io.morphgate.mqtt.client.BrokerSettings;

/**
 * How the control link reaches the broker: the settings it shares with every gateway link, and its own session.
 *
 * @param broker     broker URL, gateway id (the client id), credentials, CA, keep-alive
 * @param sessionDir where Paho keeps in-flight QoS 1 messages across restarts
 */
public record LinkSettings(BrokerSettings broker, Path sessionDir) {

    public String brokerUrl() {
        return broker.brokerUrl();
    }

    public String gatewayId() {
        return broker.gatewayId();
    }

    /** Every topic of this gateway starts with this. */
    public String namespace() {
        return broker.namespace();
    }
}
