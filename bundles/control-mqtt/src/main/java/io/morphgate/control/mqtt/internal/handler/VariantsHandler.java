package io.morphgate.control.mqtt.internal.handler;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import io.morphgate.api.model.ModelControl;
import io.morphgate.api.model.ModelStatus;
import io.morphgate.api.model.VariantState;
import io.morphgate.api.variant.OfferReport;
import io.morphgate.control.mqtt.internal.command.Command;
import io.morphgate.control.mqtt.internal.command.CommandHandler;
import io.morphgate.control.mqtt.internal.command.Reply;
import io.morphgate.wire.ModelJson;
import io.morphgate.wire.OfferJson;

/**
 * {@code variants}: every variant the backbone was offered, accepted or refused (with why), by slot then id; and every
 * slot an operator offers nothing (or not every setting) for, with its reason, from the operators' reports for the
 * model serving.
 */
public final class VariantsHandler implements CommandHandler {

    private final ModelControl model;
    private final Supplier<Collection<OfferReport>> reports;

    /** Without operators' reports: {@code skipped} is empty. */
    public VariantsHandler(ModelControl model) {
        this(model, List::of);
    }

    public VariantsHandler(ModelControl model, Supplier<Collection<OfferReport>> reports) {
        this.model = model;
        this.reports = reports;
    }

    @Override
    public CompletionStage<Reply> handle(Command command) {
        JsonArray variants = new JsonArray();
        ModelStatus status = model.status();
        status.variants().stream()
                .sorted(Comparator.comparing((VariantState v) -> v.descriptor().slot())
                        .thenComparing(v -> v.descriptor().id()))
                .forEach(v -> variants.add(ModelJson.variant(v)));
        JsonObject result = new JsonObject();
        result.add("variants", variants);
        result.add("skipped", OfferJson.skipped(reports.get(), status.backboneId()));
        return CompletableFuture.completedFuture(Reply.ok(command, result));
    }
}
