package io.morphgate.console;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.google.gson.JsonObject;

/**
 * Sends one verb to every target gateway at once (QoS 1, {"requestId": uuid, ...}), then collects each reply on
 * reply/<requestId> and, for an accepted job, its event/job progress until the final event. Never hangs: each
 * gateway has the timeout for its reply, and again after each job event.
 */
final class CommandRound {

    private final CloudLink link;
    private final ConnectionOptions options;
    private final PrintWriter out;

    CommandRound(CloudLink link, ConnectionOptions options, PrintWriter out) {
        this.link = link;
        this.options = options;
        this.out = out;
    }

    /** The console's exit code: 0 all ok, 1 an error reply or failed job, 3 a timeout. */
    int run(List<String> gateways, String verb, JsonObject body) throws Exception {
        List<Request> requests = new ArrayList<>();
        for (String gateway : gateways) {
            String requestId = UUID.randomUUID().toString();
            link.subscribe(Topics.reply(gateway, requestId));
            link.subscribe(Topics.event(gateway, "job"));
            requests.add(new Request(gateway, requestId, verb, deadline()));
        }
        for (Request r : requests) {
            JsonObject payload = new JsonObject();
            payload.addProperty("requestId", r.requestId);
            body.entrySet().forEach(e -> payload.add(e.getKey(), e.getValue()));
            link.publish(Topics.command(r.gateway, verb), payload.toString());
        }
        collect(requests);
        if (requests.stream().anyMatch(Request::timedOut)) {
            return Console.EXIT_NO_REPLY;
        }
        return requests.stream().allMatch(r -> r.outcome() == Request.Outcome.OK) ? Console.EXIT_OK : Console.EXIT_ERROR_REPLY;
    }

    private void collect(List<Request> requests) throws InterruptedException {
        while (!requests.stream().allMatch(Request::done)) {
            CloudLink.Message m = link.inbox().poll(50, TimeUnit.MILLISECONDS);
            if (m != null) {
                for (Request r : requests) {
                    String line = handle(r, m);
                    if (line != null) {
                        out.println(line);
                        out.flush();
                    }
                }
            }
            long now = System.nanoTime();
            requests.stream().filter(r -> r.expired(now)).forEach(r -> out.println(r.onTimeout()));
            out.flush();
        }
    }

    private String handle(Request r, CloudLink.Message m) {
        if (r.done()) {
            return null;
        }
        try {
            return route(r, m);
        } catch (RuntimeException e) {
            return r.gateway + " unreadable message on " + m.topic() + " (" + e.getMessage() + "): " + m.payload();
        }
    }

    private String route(Request r, CloudLink.Message m) {
        if (m.topic().equals(Topics.reply(r.gateway, r.requestId))) {
            return r.onReply(m.payload(), deadline());
        }
        if (m.topic().equals(Topics.event(r.gateway, "job"))) {
            return r.onJobEvent(m.payload(), deadline());
        }
        return null;
    }

    private long deadline() {
        return System.nanoTime() + options.timeout().toNanos();
    }
}
