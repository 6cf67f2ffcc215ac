package io.morphgate.control.mqtt.internal;

import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;

import io.morphgate.api.deployment.Deployer;
import io.morphgate.api.inference.InferenceService;
import io.morphgate.api.model.ModelControl;
import io.morphgate.api.variant.OfferReport;
import io.morphgate.control.mqtt.internal.command.CommandHandler;
import io.morphgate.control.mqtt.internal.command.EventPublisher;
import io.morphgate.control.mqtt.internal.handler.BudgetHandler;
import io.morphgate.control.mqtt.internal.handler.BundlesHandler;
import io.morphgate.control.mqtt.internal.handler.InfoHandler;
import io.morphgate.control.mqtt.internal.handler.InstallFeatureHandler;
import io.morphgate.control.mqtt.internal.handler.InstallHandler;
import io.morphgate.control.mqtt.internal.handler.ModelHandler;
import io.morphgate.control.mqtt.internal.handler.PinHandler;
import io.morphgate.control.mqtt.internal.handler.StartHandler;
import io.morphgate.control.mqtt.internal.handler.StatusHandler;
import io.morphgate.control.mqtt.internal.handler.StopHandler;
import io.morphgate.control.mqtt.internal.handler.UninstallFeatureHandler;
import io.morphgate.control.mqtt.internal.handler.UninstallHandler;
import io.morphgate.control.mqtt.internal.handler.UnpinHandler;
import io.morphgate.control.mqtt.internal.handler.UpdateHandler;
import io.morphgate.control.mqtt.internal.handler.UploadHandler;
import io.morphgate.control.mqtt.internal.handler.VariantsHandler;

/** Which handler answers which verb: the whole protocol surface in one table. */
record VerbTable(BundleContext context, ModelControl model, InferenceService inference,
        Supplier<Optional<Deployer>> deployer, Supplier<Optional<ConfigurationAdmin>> configurationAdmin,
        EventPublisher events, Supplier<Collection<OfferReport>> reports) {

    Map<String, CommandHandler> handlers(InfoHandler info) {
        return Map.ofEntries(
                Map.entry("info", info),
                Map.entry("bundles", new BundlesHandler(context, deployer)),
                Map.entry("variants", new VariantsHandler(model, reports)),
                Map.entry("status", new StatusHandler(model, inference, reports)),
                Map.entry("install", new InstallHandler(deployer, events)),
                Map.entry("update", new UpdateHandler(deployer, events)),
                Map.entry("uninstall", new UninstallHandler(deployer, events)),
                Map.entry("start", new StartHandler(deployer, events)),
                Map.entry("stop", new StopHandler(deployer, events)),
                Map.entry("install-feature", new InstallFeatureHandler(deployer, events)),
                Map.entry("uninstall-feature", new UninstallFeatureHandler(deployer, events)),
                Map.entry("upload", new UploadHandler(deployer)),
                Map.entry("budget", new BudgetHandler(configurationAdmin, this::policyActive)),
                Map.entry("model", new ModelHandler(model)),
                Map.entry("pin", new PinHandler(model)),
                Map.entry("unpin", new UnpinHandler(model)));
    }

    /** Whether the policy bundle is active, i.e. a budget stored by the {@code budget} verb is applied. */
    private boolean policyActive() {
        return Arrays.stream(context.getBundles()).anyMatch(b -> BudgetHandler.POLICY_BUNDLE.equals(
                b.getSymbolicName()) && b.getState() == Bundle.ACTIVE);
    }
}
