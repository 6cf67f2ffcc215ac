package io.morphgate.control.mqtt.internal.command;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.google.gson.JsonObject;

import io.morphgate.control.mqtt.internal.transport.Outbox;

/** An outbox that records what was published. */
public final class RecordingOutbox implements Outbox {

    public record Message(String topic, String payload, boolean retained) {
        public JsonObject json() {
            try {
                return Json.parse(payload).getAsJsonObject();
            } catch (CommandException e) {
                throw new AssertionError(e);
            }
        }
    }

    public final List<Message> messages = new CopyOnWriteArrayList<>();

    @Override
    public void publish(String subtopic, byte[] payload, boolean retained) {
        messages.add(new Message(subtopic, new String(payload, StandardCharsets.UTF_8), retained));
    }

    @Override
    public boolean connected() {
        return true;
    }

    /** Waits up to 5 s for the {@code n}-th message (1-based) on {@code topic}. */
    public Message await(String topic, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            List<Message> on = messages.stream().filter(m -> m.topic().equals(topic)).toList();
            if (on.size() >= n) {
                return on.get(n - 1);
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no message #" + n + " on " + topic + "; got " + messages);
    }
}
