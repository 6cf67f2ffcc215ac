package io.morphgate.control.mqtt.internal.handler;

import java.util.Map;
import java.util.concurrent.CompletionStage;

import io.morphgate.api.model.ModelControl;
import io.morphgate.api.model.ModelStatus;
import io.morphgate.control.mqtt.internal.command.Arguments;
import io.morphgate.control.mqtt.internal.command.Command;
import io.morphgate.control.mqtt.internal.command.CommandException;
import io.morphgate.control.mqtt.internal.command.CommandHandler;
import io.morphgate.control.mqtt.internal.command.ModelJson;
import io.morphgate.control.mqtt.internal.command.Reply;

/**
 * {@code pin}: {@code slot} + {@code variantId}, or {@code pins} {slot: variantId, ...} (one swap); {@code default}
 * holds a slot on its default layer. Replies when the resulting configuration serves.
 */
public final class PinHandler implements CommandHandler {

    private final ModelControl model;

    public PinHandler(ModelControl model) {
        this.model = model;
    }

    @Override
    public CompletionStage<Reply> handle(Command command) throws CommandException {
        Arguments args = command.arguments();
        CompletionStage<ModelStatus> swap;
        if (args.has("pins")) {
            if (args.has("slot") || args.has("variantId")) {
                throw CommandException.invalidArgument("pins", "give either pins or slot + variantId, not both");
            }
            Map<String, String> pins = args.requiredStringMap("pins");
            swap = model.pin(pins);
        } else {
            String slot = args.requiredString("slot");
            swap = model.pin(slot, args.requiredString("variantId"));
        }
        return swap.thenApply(status -> Reply.ok(command, ModelJson.summary(status)));
    }
}
