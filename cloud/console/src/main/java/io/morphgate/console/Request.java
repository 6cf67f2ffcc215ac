package io.morphgate.console;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** One command to one gateway, from publication to its final outcome (the reply, or the job's last event). */
final class Request {

    enum Outcome { PENDING, FOLLOWING_JOB, OK, FAILED }

    final String gateway;
    final String requestId;
    final String verb;
    private Outcome outcome = Outcome.PENDING;
    private long deadlineNanos;
    private boolean timedOut;

    Request(String gateway, String requestId, String verb, long deadlineNanos) {
        this.gateway = gateway;
        this.requestId = requestId;
        this.verb = verb;
        this.deadlineNanos = deadlineNanos;
    }

    Outcome outcome() {
        return outcome;
    }

    boolean done() {
        return outcome == Outcome.OK || outcome == Outcome.FAILED;
    }

    boolean expired(long now) {
        return !done() && now - deadlineNanos > 0;
    }

    /** Handles reply/<requestId>: ok and error end the request, accepted starts following the job. */
    String onReply(String payload, long nextDeadline) {
        JsonObject reply = JsonParser.parseString(payload).getAsJsonObject();
        String status = text(reply, "status");
        JsonElement result = reply.get("result");
        switch (status) {
            case "ok" -> outcome = Outcome.OK;
            case "accepted" -> {
                outcome = Outcome.FOLLOWING_JOB;
                deadlineNanos = nextDeadline;
            }
            default -> outcome = Outcome.FAILED;
        }
        String line = gateway + " " + verb + " " + status;
        if (reply.has("error") && reply.get("error").isJsonObject()) {
            JsonObject error = reply.getAsJsonObject("error");
            line += " " + text(error, "code") + ": " + text(error, "message");
        }
        return result != null && !result.isJsonNull() ? line + " " + result : line;
    }

    /**
     * Handles event/job: progress lines until the event marked final. Null when the event is another job's. Events
     * may overtake the "accepted" reply (the job id is the request id), so they count before it too.
     */
    String onJobEvent(String payload, long nextDeadline) {
        JsonObject event = JsonParser.parseString(payload).getAsJsonObject();
        if (done() || !requestId.equals(text(event, "jobId"))) {
            return null;
        }
        deadlineNanos = nextDeadline;
        String line = gateway + " job " + text(event, "stage") + " " + text(event, "percent") + "% " + text(event, "message");
        if (event.has("final") && event.get("final").getAsBoolean()) {
            JsonElement error = event.get("error");
            boolean failed = error != null && !error.isJsonNull();
            outcome = failed ? Outcome.FAILED : Outcome.OK;
            line += failed ? " -> failed: " + error.getAsString() : " -> done";
        }
        return line;
    }

    String onTimeout() {
        String missing = outcome == Outcome.FOLLOWING_JOB ? "job outcome" : "reply";
        outcome = Outcome.FAILED;
        timedOut = true;
        return gateway + " " + verb + " timeout: no " + missing + " for request " + requestId;
    }

    boolean timedOut() {
        return timedOut;
    }

    private static String text(JsonObject json, String name) {
        JsonElement e = json.get(name);
        return e == null || e.isJsonNull() ? "" : e.isJsonPrimitive() ? e.getAsString() : e.toString();
    }
}
