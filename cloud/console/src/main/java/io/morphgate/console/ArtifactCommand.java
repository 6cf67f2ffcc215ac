package io.morphgate.console;

import java.io.PrintWriter;

import picocli.CommandLine.Mixin;

/** install and update: a command with an artifact, whose local jar is uploaded to the gateways first. */
abstract class ArtifactCommand extends GatewayCommand {

    @Mixin
    ArtifactOptions artifact;

    @Override
    Ready beforeSending(CloudLink link, PrintWriter out) throws Exception {
        return artifact.upload(link, connection, out);
    }
}
