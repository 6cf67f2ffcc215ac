package io.morphgate.control.mqtt.internal;

import java.lang.System.Logger.Level;

import io.morphgate.control.mqtt.internal.transport.Outbox;

/** The outbox handed to the router and events before the link exists (the link needs the router as its sink). */
final class LateOutbox implements Outbox {

    private volatile Outbox target;

    void attach(Outbox outbox) {
        this.target = outbox;
    }

    @Override
    public void publish(String subtopic, byte[] payload, boolean retained) {
        Outbox t = target;
        if (t == null) {
            System.getLogger(LateOutbox.class.getName()).log(Level.WARNING, "dropped {0}: no link yet", subtopic);
            return;
        }
        t.publish(subtopic, payload, retained);
    }

    @Override
    public boolean connected() {
        Outbox t = target;
        return t != null && t.connected();
    }
}
