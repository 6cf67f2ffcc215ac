package io.morphgate.control.mqtt.internal.handler;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import com.google.gson.JsonObject;

import io.morphgate.api.inference.InferenceService;
import io.morphgate.api.model.ModelControl;
import io.morphgate.api.model.ModelStatus;
import io.morphgate.api.variant.OfferReport;
import io.morphgate.control.mqtt.internal.command.Command;
import io.morphgate.control.mqtt.internal.command.CommandHandler;
import io.morphgate.control.mqtt.internal.command.Reply;
import io.morphgate.wire.ModelJson;
import io.morphgate.wire.OfferJson;
import io.morphgate.wire.ServingJson;

/**
 * {@code status}: what serves now (configuration, slots, costs, last swap), how serving went this last minute, and
 * how the operators' background derivations for the model serving go.
 */
public final class StatusHandler implements CommandHandler {

    private final ModelControl model;
    private final InferenceService inference;
    private final Supplier<Collection<OfferReport>> reports;

    /** Without operators' reports: {@code derivations} is empty. */
    public StatusHandler(ModelControl model, InferenceService inference) {
        this(model, inference, List::of);
    }

    public StatusHandler(ModelControl model, InferenceService inference, Supplier<Collection<OfferReport>> reports) {
        this.model = model;
        this.inference = inference;
        this.reports = reports;
    }

    @Override
    public CompletionStage<Reply> handle(Command command) {
        JsonObject result = new JsonObject();
        ModelStatus status = model.status();
        result.add("model", ModelJson.summary(status));
        result.add("serving", ServingJson.statistics(inference.statistics()));
        result.add("derivations", OfferJson.derivations(reports.get(), status.backboneId()));
        return CompletableFuture.completedFuture(Reply.ok(command, result));
    }
}
