package io.morphgate.control.mqtt.internal.handler;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;


import io.morphgate.api.deployment.Deployer;
import io.morphgate.api.deployment.DeploymentRequest;
import io.morphgate.api.deployment.DeploymentRequest.Action;
import io.morphgate.control.mqtt.internal.command.Arguments;
import io.morphgate.control.mqtt.internal.command.Command;
import io.morphgate.control.mqtt.internal.command.CommandException;
import io.morphgate.control.mqtt.internal.command.EventPublisher;

/** {@code uninstall-feature}: {@code id}: removes the bundles a feature installed. */
public final class UninstallFeatureHandler extends DeploymentHandler {

    public UninstallFeatureHandler(Supplier<Optional<Deployer>> deployer, EventPublisher events) {
        super(deployer, events);
    }

    @Override
    protected DeploymentRequest request(Command command) throws CommandException {
        Arguments args = command.arguments();
        String id = args.requiredString("id");
        return new DeploymentRequest(command.requestId(), Action.UNINSTALL_FEATURE, Optional.empty(), Optional.empty(),
                Optional.of(new DeploymentRequest.Feature(id, List.of())));
    }

    @Override
    public Set<String> fields() {
        return Set.of("id");
    }
}
