package io.morphgate.control.mqtt.internal.handler;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import io.morphgate.api.model.ModelControl;
import io.morphgate.api.model.ModelStatus;
import io.morphgate.api.model.VariantState;
import io.morphgate.control.mqtt.internal.command.Arguments;
import io.morphgate.control.mqtt.internal.command.Command;
import io.morphgate.control.mqtt.internal.command.CommandException;
import io.morphgate.control.mqtt.internal.command.CommandHandler;
import io.morphgate.control.mqtt.internal.command.Reply;
import io.morphgate.wire.ModelJson;

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
            ModelStatus status = model.status();
            for (Map.Entry<String, String> pin : pins.entrySet()) {
                checkKnown(status, pin.getKey(), pin.getValue(), "pins." + pin.getKey(), "pins." + pin.getKey());
            }
            swap = model.pin(pins);
        } else {
            String slot = args.requiredString("slot");
            String variantId = args.requiredString("variantId");
            checkKnown(model.status(), slot, variantId, "slot", "variantId");
            swap = model.pin(slot, variantId);
        }
        return swap.thenApply(status -> Reply.ok(command, ModelJson.summary(status)));
    }

    /**
     * Refuses an unknown slot, or a variant that is not offered for that slot, naming the field at fault; the backbone
     * checks again when it swaps (a variant can go away in between), and its refusal is then INVALID_ARGUMENT too.
     */
    static void checkKnown(ModelStatus status, String slot, String variantId, String slotField, String variantField)
            throws CommandException {
        if (status.slots().stream().noneMatch(s -> s.spec().name().equals(slot))) {
            throw CommandException.invalidArgument(slotField, "no slot '" + slot + "'; slots: "
                    + status.slots().stream().map(s -> s.spec().name()).toList());
        }
        if (!"default".equals(variantId) && status.variants().stream().map(VariantState::descriptor)
                .noneMatch(d -> d.slot().equals(slot) && d.id().equals(variantId))) {
            throw CommandException.invalidArgument(variantField, "no variant '" + variantId + "' is offered for slot '"
                    + slot + "' (see the variants verb)");
        }
    }

    @Override
    public Set<String> fields() {
        return Set.of("slot", "variantId", "pins");
    }
}
