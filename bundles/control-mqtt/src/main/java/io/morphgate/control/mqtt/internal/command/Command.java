package io.morphgate.control.mqtt.internal.command;

import com.google.gson.JsonObject;

/**
 * One command as it came off the wire: its request id (validated), its verb (the last topic level) and its JSON body.
 */
public record Command(String requestId, String verb, JsonObject body) {

    /** Typed access to the body's fields; refusals name the field. */
    public Arguments arguments() {
        return new Arguments(body);
    }
}
