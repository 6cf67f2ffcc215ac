package io.morphgate.control.mqtt.internal.command;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import io.morphgate.api.deployment.DeploymentException;
import io.morphgate.control.mqtt.internal.transport.CommandSink;
import io.morphgate.control.mqtt.internal.transport.Outbox;

/**
 * Routes each command to the handler of its verb, on the executor, and answers it once: the first reply is stored
 * and published on {@code reply/<requestId>}; a replayed request id gets the stored reply again and runs nothing.
 * Errors go into the reply and into the log, once, here.
 */
public final class CommandRouter implements CommandSink {

    private static final System.Logger LOG = System.getLogger(CommandRouter.class.getName());
    /** Finds a request id in a payload too large or too broken to parse, so the refusal can still be answered. */
    private static final Pattern REQUEST_ID = Pattern.compile("\"requestId\"\\s*:\\s*\"([A-Za-z0-9._-]{1,64})\"");

    private final Map<String, CommandHandler> handlers;
    private final ReplyStore store;
    private final Outbox outbox;
    private final Executor executor;
    private final int maxPayloadBytes;
    private final Duration timeout;
    private final Set<String> running = ConcurrentHashMap.newKeySet();

    public CommandRouter(Map<String, CommandHandler> handlers, ReplyStore store, Outbox outbox, Executor executor,
            int maxPayloadBytes, Duration timeout) {
        this.handlers = Map.copyOf(handlers);
        this.store = store;
        this.outbox = outbox;
        this.executor = executor;
        this.maxPayloadBytes = maxPayloadBytes;
        this.timeout = timeout;
    }

    @Override
    public void accept(String verb, byte[] payload, Runnable acknowledge) {
        try {
            executor.execute(() -> route(verb, payload, acknowledge));
        } catch (RejectedExecutionException e) {
            refuse(verb, payload, new CommandException(ErrorCodes.BUSY,
                    "too many commands are waiting; retry the same request id later"));
            acknowledge.run();
        }
    }

    void route(String verb, byte[] payload, Runnable acknowledge) {
        Command command;
        try {
            command = parse(verb, payload);
        } catch (CommandException e) {
            refuse(verb, payload, e);
            acknowledge.run();
            return;
        }
        Optional<String> stored = store.find(command.requestId());
        if (stored.isPresent()) {
            LOG.log(Level.INFO, "request {0} ({1}) seen before: replaying its stored reply", command.requestId(), verb);
            outbox.publish(replyTopic(command.requestId()), stored.get().getBytes(StandardCharsets.UTF_8), false);
            acknowledge.run();
            return;
        }
        if (!running.add(command.requestId())) {
            LOG.log(Level.INFO, "request {0} ({1}) is running already; its reply will follow", command.requestId(), verb);
            acknowledge.run();
            return;
        }
        execute(command).whenComplete((reply, failure) -> {
            try {
                send(reply != null ? reply : Reply.error(command.requestId(), verb, asCommandException(failure)));
            } finally {
                running.remove(command.requestId());
                acknowledge.run();
            }
        });
    }

    private CompletableFuture<Reply> execute(Command command) {
        CommandHandler handler = handlers.get(command.verb());
        if (handler == null) {
            return CompletableFuture.failedFuture(new CommandException(ErrorCodes.UNKNOWN_VERB,
                    "unknown verb '" + command.verb() + "'; known verbs: " + new TreeSet<>(handlers.keySet())));
        }
        try {
            // one check for every verb, before its handler runs: a misspelt field is refused, not silently ignored
            command.arguments().refuseUnknown(handler.fields());
            return handler.handle(command).toCompletableFuture().copy()
                    .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (CommandException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private Command parse(String verb, byte[] payload) throws CommandException {
        if (payload.length > maxPayloadBytes) {
            throw new CommandException(ErrorCodes.PAYLOAD_TOO_LARGE,
                    "payload of " + payload.length + " bytes exceeds the limit of " + maxPayloadBytes + " bytes");
        }
        JsonElement json = Json.parse(new String(payload, StandardCharsets.UTF_8));
        if (!json.isJsonObject()) {
            throw new CommandException(ErrorCodes.MALFORMED_JSON,
                    "a command is a JSON object, not " + Json.excerpt(json));
        }
        JsonObject body = json.getAsJsonObject();
        return new Command(new Arguments(body).requiredId("requestId"), verb, body);
    }

    private void send(Reply reply) {
        if (reply.error().isPresent()) {
            CommandException e = reply.error().get();
            String line = "request " + reply.requestId() + " (" + reply.verb() + ") failed: " + e.code() + " "
                    + e.getMessage();
            if (ErrorCodes.INTERNAL.equals(e.code())) {
                LOG.log(Level.ERROR, line, e.getCause());
            } else {
                LOG.log(Level.WARNING, line);
            }
        }
        String text = Json.text(reply.toJson());
        store.put(reply.requestId(), text);
        outbox.publish(replyTopic(reply.requestId()), text.getBytes(StandardCharsets.UTF_8), false);
        // a job's final reply replaces "accepted" only after "accepted" is stored: never the other way round
        reply.then().ifPresent(then -> then.whenComplete((last, failure) -> store.put(reply.requestId(),
                Json.text((last != null ? last
                        : Reply.error(reply.requestId(), reply.verb(), asCommandException(failure))).toJson()))));
    }

    /** A command refused before it had a valid request id, or whose payload could not be parsed: not stored. */
    private void refuse(String verb, byte[] payload, CommandException error) {
        Optional<String> requestId = sniffRequestId(payload);
        LOG.log(Level.WARNING, "command {0} (request {1}) refused: {2} {3}", verb, requestId.orElse("unknown"),
                error.code(), error.getMessage());
        if (requestId.isPresent()) {
            Reply reply = Reply.error(requestId.get(), verb, error);
            outbox.publish(replyTopic(requestId.get()), Json.bytes(reply.toJson()), false);
        } else {
            JsonObject event = Reply.error("", verb, error).toJson();
            event.remove("requestId");
            outbox.publish("event/error", Json.bytes(event), false);
        }
    }

    private static Optional<String> sniffRequestId(byte[] payload) {
        int length = Math.min(payload.length, 4096);
        Matcher m = REQUEST_ID.matcher(new String(payload, 0, length, StandardCharsets.UTF_8));
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    static CommandException asCommandException(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof CommandException e) {
            return e;
        }
        if (cause instanceof DeploymentException e) {
            return new CommandException(e.code().name(), e.getMessage());
        }
        if (cause instanceof IllegalArgumentException e) {
            return new CommandException(ErrorCodes.INVALID_ARGUMENT, e.getMessage());
        }
        if (cause instanceof TimeoutException) {
            return new CommandException(ErrorCodes.TIMEOUT, "no answer within the command timeout");
        }
        CommandException internal = new CommandException(ErrorCodes.INTERNAL, String.valueOf(cause));
        internal.initCause(cause);
        return internal;
    }

    static String replyTopic(String requestId) {
        return "reply/" + requestId;
    }
}
