package io.morphgate.control.mqtt.internal.handler;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import com.google.gson.JsonObject;

import io.morphgate.api.inference.InferenceService;
import io.morphgate.api.model.ModelControl;
import io.morphgate.control.mqtt.internal.command.Command;
import io.morphgate.control.mqtt.internal.command.CommandHandler;
import io.morphgate.control.mqtt.internal.command.Reply;
import io.morphgate.wire.ModelJson;
import io.morphgate.wire.ServingJson;

/** {@code status}: what serves now (configuration, slots, costs, last swap) and how serving went this last minute. */
public final class StatusHandler implements CommandHandler {

    private final ModelControl model;
    private final InferenceService inference;

    public StatusHandler(ModelControl model, InferenceService inference) {
        this.model = model;
        this.inference = inference;
    }

    @Override
    public CompletionStage<Reply> handle(Command command) {
        JsonObject result = new JsonObject();
        result.add("model", ModelJson.summary(model.status()));
        result.add("serving", ServingJson.statistics(inference.statistics()));
        return CompletableFuture.completedFuture(Reply.ok(command, result));
    }
}
