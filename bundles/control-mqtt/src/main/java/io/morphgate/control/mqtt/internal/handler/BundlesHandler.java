package io.morphgate.control.mqtt.internal.handler;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import io.morphgate.api.deployment.Deployer;
import io.morphgate.control.mqtt.internal.command.Command;
import io.morphgate.control.mqtt.internal.command.CommandHandler;
import io.morphgate.control.mqtt.internal.command.Reply;
import io.morphgate.wire.BundleStates;

/**
 * {@code bundles}: every installed bundle with its id, symbolic name, version, state and whether it is protected (as
 * the deployer, which enforces it, says; {@code null} when no deployer runs, and then nothing can be changed remotely).
 */
public final class BundlesHandler implements CommandHandler {

    private final BundleContext context;
    private final Supplier<Optional<Deployer>> deployer;

    public BundlesHandler(BundleContext context, Supplier<Optional<Deployer>> deployer) {
        this.context = context;
        this.deployer = deployer;
    }

    @Override
    public CompletionStage<Reply> handle(Command command) {
        Optional<Deployer> jobs = deployer.get();
        JsonArray bundles = new JsonArray();
        for (Bundle b : context.getBundles()) {
            JsonObject json = new JsonObject();
            json.addProperty("id", b.getBundleId());
            json.addProperty("symbolicName", b.getSymbolicName());
            json.addProperty("version", b.getVersion().toString());
            json.addProperty("state", BundleStates.name(b.getState()));
            json.addProperty("protected", jobs.map(d -> d.isProtected(b.getBundleId())).orElse(null));
            bundles.add(json);
        }
        JsonObject result = new JsonObject();
        result.add("bundles", bundles);
        return CompletableFuture.completedFuture(Reply.ok(command, result));
    }
}
