package io.morphgate.control.mqtt.internal.transport;

/** Where messages go out: a topic below the gateway's namespace, e.g. {@code reply/r-1}, {@code event/job}. */
public interface Outbox {

    /** Publishes at QoS 1; never blocks; a message that cannot be sent is logged, not thrown. */
    void publish(String subtopic, byte[] payload, boolean retained);

    /** Whether the link is connected now (telemetry is skipped, not queued, while it is not). */
    boolean connected();
}
