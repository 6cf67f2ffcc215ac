package io.morphgate.control.mqtt.internal.command;

import java.util.Set;
import java.util.concurrent.CompletionStage;

/** Executes one verb. Runs on the control component's executor, never on the MQTT callback thread. */
@FunctionalInterface
public interface CommandHandler {

    /**
     * Runs {@code command}. Arguments refused at once throw; work that ends later completes the stage, with the reply
     * or exceptionally (a {@link CommandException}, an {@link IllegalArgumentException} or any other failure).
     */
    CompletionStage<Reply> handle(Command command) throws CommandException;

    /**
     * The fields this verb takes besides {@code requestId}, as paths: {@code "slot"}, {@code "artifact.url"} (a
     * member of an object), {@code "bundles[].url"} (a member of each object in an array). A field listed without
     * members (e.g. {@code "pins"}, whose keys are slot names) is taken whole; the handler checks what is inside.
     * The router refuses any other field, before the handler runs, with INVALID_ARGUMENT naming it
     * ({@link Arguments#refuseUnknown}). None by default: a verb that takes arguments must list them.
     */
    default Set<String> fields() {
        return Set.of();
    }
}
