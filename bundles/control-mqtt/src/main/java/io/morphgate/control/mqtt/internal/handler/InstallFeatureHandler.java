package io.morphgate.control.mqtt.internal.handler;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;


import io.morphgate.api.deployment.Artifact;
import io.morphgate.api.deployment.Deployer;
import io.morphgate.api.deployment.DeploymentRequest;
import io.morphgate.api.deployment.DeploymentRequest.Action;
import io.morphgate.control.mqtt.internal.command.Arguments;
import io.morphgate.control.mqtt.internal.command.Command;
import io.morphgate.control.mqtt.internal.command.CommandException;
import io.morphgate.control.mqtt.internal.command.EventPublisher;

/** {@code install-feature}: {@code id} + {@code bundles} [artifact, ...]: all installed and started, or none. */
public final class InstallFeatureHandler extends DeploymentHandler {

    public InstallFeatureHandler(Supplier<Optional<Deployer>> deployer, EventPublisher events) {
        super(deployer, events);
    }

    @Override
    protected DeploymentRequest request(Command command) throws CommandException {
        Arguments args = command.arguments();
        String id = args.requiredString("id");
        List<Arguments> items = args.requiredObjects("bundles");
        List<Artifact> bundles = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            bundles.add(ArtifactArguments.read(items.get(i), "bundles[" + i + "]"));
        }
        return new DeploymentRequest(command.requestId(), Action.INSTALL_FEATURE, Optional.empty(), Optional.empty(),
                Optional.of(new DeploymentRequest.Feature(id, bundles)));
    }

    @Override
    public Set<String> fields() {
        return ArtifactArguments.fields("bundles[].", "id");
    }
}
