package io.morphgate.control.mqtt.internal.handler;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import io.morphgate.api.model.InstalledModel;
import io.morphgate.api.model.ModelControl;
import io.morphgate.control.mqtt.internal.command.Arguments;
import io.morphgate.control.mqtt.internal.command.Command;
import io.morphgate.control.mqtt.internal.command.CommandException;
import io.morphgate.control.mqtt.internal.command.CommandHandler;
import io.morphgate.control.mqtt.internal.command.ErrorCodes;
import io.morphgate.control.mqtt.internal.command.Reply;
import io.morphgate.wire.ModelJson;

/**
 * {@code model}: {@code action} {@code list} answers the installed models and which serves; {@code activate} with
 * {@code id} makes that model serve (one atomic swap) and replies once it serves, or with {@code MODEL_REFUSED} when
 * it failed its check and the previous model still serves.
 */
public final class ModelHandler implements CommandHandler {

    private final ModelControl model;

    public ModelHandler(ModelControl model) {
        this.model = model;
    }

    @Override
    public Set<String> fields() {
        return Set.of("action", "id");
    }

    @Override
    public CompletionStage<Reply> handle(Command command) throws CommandException {
        Arguments args = command.arguments();
        String action = args.requiredString("action");
        switch (action) {
            case "list":
                return CompletableFuture.completedFuture(Reply.ok(command, models()));
            case "activate":
                String id = args.requiredId("id");
                List<InstalledModel> installed = model.models();
                if (installed.stream().noneMatch(m -> m.id().equals(id))) {
                    throw CommandException.invalidArgument("id", "no model '" + id + "' is installed; installed: "
                            + installed.stream().map(InstalledModel::id).toList());
                }
                return model.activateModel(id).handle((status, failure) -> {
                    if (failure != null) {
                        throw new CompletionException(refusal(failure));
                    }
                    JsonObject result = models();
                    result.add("status", ModelJson.summary(status));
                    return Reply.ok(command, result);
                });
            default:
                throw CommandException.invalidArgument("action", "is list or activate, not '" + action + "'");
        }
    }

    private JsonObject models() {
        JsonObject json = new JsonObject();
        JsonArray list = new JsonArray();
        String serving = null;
        for (InstalledModel m : model.models()) {
            list.add(ModelJson.installedModel(m));
            serving = m.state() == InstalledModel.State.SERVING ? m.id() : serving;
        }
        json.addProperty("serving", serving);
        json.add("models", list);
        return json;
    }

    /** A model that failed its check is MODEL_REFUSED; anything else keeps the router's mapping. */
    private static Throwable refusal(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
                : failure;
        return cause instanceof IllegalStateException ? new CommandException(ErrorCodes.MODEL_REFUSED,
                cause.getMessage()) : cause;
    }
}
