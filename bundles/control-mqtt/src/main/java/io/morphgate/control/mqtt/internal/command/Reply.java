package io.morphgate.control.mqtt.internal.command;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * The answer to one command, published on {@code reply/<requestId>} and stored for replays.
 *
 * @param status "ok" (done), "accepted" (a job was queued; its outcome follows as events and replaces this reply)
 *               or "error"
 * @param then   for "accepted": the final reply, which replaces this one in the store when the job ends (not sent
 *               on the wire)
 */
public record Reply(String requestId, String verb, String status, Optional<JsonElement> result,
        Optional<CommandException> error, Optional<CompletionStage<Reply>> then) {

    public static final String OK = "ok";
    public static final String ACCEPTED = "accepted";
    public static final String ERROR = "error";

    public static Reply ok(Command command, JsonElement result) {
        return new Reply(command.requestId(), command.verb(), OK, Optional.of(result), Optional.empty(), Optional.empty());
    }

    public static Reply accepted(Command command, JsonElement result, CompletionStage<Reply> then) {
        return new Reply(command.requestId(), command.verb(), ACCEPTED, Optional.of(result), Optional.empty(),
                Optional.of(then));
    }

    public static Reply error(String requestId, String verb, CommandException error) {
        return new Reply(requestId, verb, ERROR, Optional.empty(), Optional.of(error), Optional.empty());
    }

    /** The same reply with a result attached (an error reply may carry one too, e.g. a failed job's outcome). */
    public Reply withResult(JsonElement value) {
        return new Reply(requestId, verb, status, Optional.of(value), error, then);
    }

    public JsonObject toJson() {
        JsonObject json = new JsonObject();
        json.addProperty("requestId", requestId);
        json.addProperty("verb", verb);
        json.addProperty("status", status);
        result.ifPresent(r -> json.add("result", r));
        error.ifPresent(e -> {
            JsonObject body = new JsonObject();
            body.addProperty("code", e.code());
            body.addProperty("message", e.getMessage());
            e.field().ifPresent(f -> body.addProperty("field", f));
            json.add("error", body);
        });
        json.addProperty("at", Instant.now().toString());
        return json;
    }
}
