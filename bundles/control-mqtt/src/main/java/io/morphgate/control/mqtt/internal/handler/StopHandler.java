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

/** {@code stop}: {@code symbolicName}: stops a bundle (never a protected one). */
public final class StopHandler extends DeploymentHandler {

    public StopHandler(Supplier<Optional<Deployer>> deployer, EventPublisher events) {
        super(deployer, events);
    }

    @Override
    protected DeploymentRequest request(Command command) throws CommandException {
        Arguments args = command.arguments();
        return new DeploymentRequest(command.requestId(), Action.STOP,
                Optional.of(args.requiredString("symbolicName")), Optional.empty(), Optional.empty());
    }

    @Override
    public Set<String> fields() {
        return Set.of("symbolicName");
    }
}
