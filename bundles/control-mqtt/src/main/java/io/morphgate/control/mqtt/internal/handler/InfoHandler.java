package io.morphgate.control.mqtt.internal.handler;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import io.morphgate.api.model.ModelControl;
import io.morphgate.api.model.ModelStatus;
import io.morphgate.control.mqtt.internal.command.Command;
import io.morphgate.control.mqtt.internal.command.CommandHandler;
import io.morphgate.control.mqtt.internal.command.Reply;
import io.morphgate.wire.ModelJson;

/** {@code info}: who this gateway is, what runs it, how long it has been up, which model serves and its slots (none while no model serves). */
public final class InfoHandler implements CommandHandler {

    private final BundleContext context;
    private final String gatewayId;
    private final Instant started;
    private final ModelControl model;

    public InfoHandler(BundleContext context, String gatewayId, Instant started, ModelControl model) {
        this.context = context;
        this.gatewayId = gatewayId;
        this.started = started;
        this.model = model;
    }

    @Override
    public CompletionStage<Reply> handle(Command command) {
        return CompletableFuture.completedFuture(Reply.ok(command, describe()));
    }

    /** Also the body of the retained {@code state} message. */
    public JsonObject describe() {
        JsonObject json = new JsonObject();
        json.addProperty("gatewayId", gatewayId);
        json.add("versions", versions());
        json.addProperty("startedAt", started.toString());
        json.addProperty("uptimeSeconds", Duration.between(started, Instant.now()).toSeconds());
        ModelStatus status = model.status();
        json.add("model", status.model().map(ModelJson::modelIdentity).orElse(null));
        json.addProperty("backboneId", status.backboneId());
        JsonArray specs = new JsonArray();
        status.slots().forEach(s -> specs.add(ModelJson.slotSpec(s.spec())));
        json.add("slots", specs);
        return json;
    }

    private JsonObject versions() {
        JsonObject json = new JsonObject();
        Bundle framework = context.getBundle(Constants.SYSTEM_BUNDLE_ID);
        json.addProperty("framework", framework.getSymbolicName() + " " + framework.getVersion());
        json.addProperty("osgi", context.getProperty(Constants.FRAMEWORK_VERSION));
        json.addProperty("java", System.getProperty("java.version"));
        json.addProperty("control", context.getBundle().getVersion().toString());
        for (Bundle b : context.getBundles()) {
            if ("io.morphgate.backbone".equals(b.getSymbolicName())) {
                json.addProperty("backbone", b.getVersion().toString());
            } else if ("io.morphgate.api".equals(b.getSymbolicName())) {
                json.addProperty("api", b.getVersion().toString());
            }
        }
        return json;
    }
}
