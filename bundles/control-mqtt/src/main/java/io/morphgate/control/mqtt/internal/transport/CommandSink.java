package io.morphgate.control.mqtt.internal.transport;

/** Receives commands from the link: the verb (last topic level) and the raw payload. Called on the MQTT thread. */
@FunctionalInterface
public interface CommandSink {

    /**
     * Takes a command; must return at once. {@code acknowledge} is run once the command's reply is stored, which is
     * when the broker may forget the message.
     */
    void accept(String verb, byte[] payload, Runnable acknowledge);
}
