package io.morphgate.control.mqtt.internal.handler;

import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import io.morphgate.api.model.ModelControl;
import io.morphgate.api.model.VariantState;
import io.morphgate.control.mqtt.internal.command.Command;
import io.morphgate.control.mqtt.internal.command.CommandHandler;
import io.morphgate.control.mqtt.internal.command.Reply;
import io.morphgate.wire.ModelJson;

/** {@code variants}: every variant the backbone was offered, accepted or refused (with why), by slot then id. */
public final class VariantsHandler implements CommandHandler {

    private final ModelControl model;

    public VariantsHandler(ModelControl model) {
        this.model = model;
    }

    @Override
    public CompletionStage<Reply> handle(Command command) {
        JsonArray variants = new JsonArray();
        model.status().variants().stream()
                .sorted(Comparator.comparing((VariantState v) -> v.descriptor().slot())
                        .thenComparing(v -> v.descriptor().id()))
                .forEach(v -> variants.add(ModelJson.variant(v)));
        JsonObject result = new JsonObject();
        result.add("variants", variants);
        return CompletableFuture.completedFuture(Reply.ok(command, result));
    }
}
