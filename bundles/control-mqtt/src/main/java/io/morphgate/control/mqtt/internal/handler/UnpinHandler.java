package io.morphgate.control.mqtt.internal.handler;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import io.morphgate.api.model.ModelControl;
import io.morphgate.api.model.ModelStatus;
import io.morphgate.control.mqtt.internal.command.Arguments;
import io.morphgate.control.mqtt.internal.command.Command;
import io.morphgate.control.mqtt.internal.command.CommandException;
import io.morphgate.control.mqtt.internal.command.CommandHandler;
import io.morphgate.control.mqtt.internal.command.Reply;
import io.morphgate.wire.ModelJson;

/** {@code unpin}: {@code slot} or {@code slots} [...] (one swap). Replies when the resulting configuration serves. */
public final class UnpinHandler implements CommandHandler {

    private final ModelControl model;

    public UnpinHandler(ModelControl model) {
        this.model = model;
    }

    @Override
    public CompletionStage<Reply> handle(Command command) throws CommandException {
        Arguments args = command.arguments();
        CompletionStage<ModelStatus> swap;
        if (args.has("slots")) {
            if (args.has("slot")) {
                throw CommandException.invalidArgument("slots", "give either slots or slot, not both");
            }
            List<String> slots = args.requiredStrings("slots");
            swap = model.unpin(slots);
        } else {
            swap = model.unpin(args.requiredString("slot"));
        }
        return swap.thenApply(status -> Reply.ok(command, ModelJson.summary(status)));
    }

    @Override
    public Set<String> fields() {
        return Set.of("slot", "slots");
    }
}
