package io.morphgate.control.mqtt.internal.handler;

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

/** {@code update}: {@code symbolicName} + {@code artifact}: replaces an installed bundle with a new jar. */
public final class UpdateHandler extends DeploymentHandler {

    public UpdateHandler(Supplier<Optional<Deployer>> deployer, EventPublisher events) {
        super(deployer, events);
    }

    @Override
    protected DeploymentRequest request(Command command) throws CommandException {
        Arguments args = command.arguments();
        String name = args.requiredString("symbolicName");
        return new DeploymentRequest(command.requestId(), Action.UPDATE, Optional.of(name),
                Optional.of(ArtifactArguments.read(args.requiredObject("artifact"), "artifact")), Optional.empty());
    }

    @Override
    public Set<String> fields() {
        return ArtifactArguments.fields("artifact.", "symbolicName");
    }
}
