package io.morphgate.control.mqtt.internal.command;

import java.util.concurrent.CompletionStage;

/** Executes one verb. Runs on the control component's executor, never on the MQTT callback thread. */
@FunctionalInterface
public interface CommandHandler {

    /**
     * Runs {@code command}. Arguments refused at once throw; work that ends later completes the stage, with the reply
     * or exceptionally (a {@link CommandException}, an {@link IllegalArgumentException} or any other failure).
     */
    CompletionStage<Reply> handle(Command command) throws CommandException;
}
