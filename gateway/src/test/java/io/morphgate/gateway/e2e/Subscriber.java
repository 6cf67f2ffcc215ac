package io.morphgate.gateway.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * A {@code mosquitto_sub -v} process that keeps every message it receives: the cloud's independent view of what a
 * gateway publishes. Messages are single-line JSON (the gateway writes compact JSON), so each output line is
 * {@code <topic> <payload>}.
 */
public final class Subscriber implements AutoCloseable {

    /** One received message. */
    public record Message(String topic, String payload, long receivedNanos) {

        public JsonObject json() {
            return JsonParser.parseString(payload).getAsJsonObject();
        }

        public boolean isJson() {
            try {
                json();
                return true;
            } catch (RuntimeException e) {
                return false;
            }
        }
    }

    private final Process process;
    private final List<Message> messages = new ArrayList<>();
    private final Thread reader;

    private Subscriber(Process process) {
        this.process = process;
        this.reader = new Thread(this::read, "mosquitto_sub-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Subscribes as {@code user} to {@code topicFilter} at QoS 1; waits until the subscription is in place. */
    public static Subscriber start(Mosquitto broker, String user, String topicFilter)
            throws IOException, InterruptedException {
        return start(broker.connection(user), topicFilter);
    }

    /** Subscribes with the given mosquitto_sub connection options ({@code -h}, {@code -p}, ...). */
    public static Subscriber start(List<String> connection, String topicFilter)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("mosquitto_sub"));
        cmd.addAll(connection);
        cmd.addAll(List.of("-q", "1", "-v", "-t", topicFilter));
        Subscriber subscriber = new Subscriber(new ProcessBuilder(cmd).redirectErrorStream(true).start());
        Thread.sleep(500); // SUBACK is not observable from outside mosquitto_sub; half a second is ample on loopback
        if (!subscriber.process.isAlive()) {
            throw new IOException("mosquitto_sub exited: " + subscriber.all());
        }
        return subscriber;
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                int space = line.indexOf(' ');
                Message m = space < 0 ? new Message(line, "", System.nanoTime())
                        : new Message(line.substring(0, space), line.substring(space + 1), System.nanoTime());
                synchronized (messages) {
                    messages.add(m);
                    messages.notifyAll();
                }
            }
        } catch (IOException e) {
            // process ended
        }
    }

    /** Waits for the first message, received since {@code fromIndex}, that matches; empty on timeout. */
    public Optional<Message> await(int fromIndex, Predicate<Message> match, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (messages) {
            while (true) {
                for (int i = fromIndex; i < messages.size(); i++) {
                    if (match.test(messages.get(i))) {
                        return Optional.of(messages.get(i));
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                TimeUnit.NANOSECONDS.timedWait(messages, left);
            }
        }
    }

    public Optional<Message> await(Predicate<Message> match, Duration timeout) throws InterruptedException {
        return await(0, match, timeout);
    }

    /** Number of messages received so far (a mark to wait from). */
    public int mark() {
        synchronized (messages) {
            return messages.size();
        }
    }

    /** Every message received since {@code fromIndex} that matches. */
    public List<Message> since(int fromIndex, Predicate<Message> match) {
        synchronized (messages) {
            return messages.subList(fromIndex, messages.size()).stream().filter(match).toList();
        }
    }

    public List<Message> all() {
        synchronized (messages) {
            return List.copyOf(messages);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor(5, TimeUnit.SECONDS);
        reader.join(2000);
    }
}
