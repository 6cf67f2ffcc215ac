package io.morphgate.console;

import com.google.gson.JsonObject;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "install", description = "Installs and starts a bundle jar on the gateways; follows the job to its outcome.")
final class InstallCommand extends GatewayCommand {

    @Parameters(paramLabel = "URL-OR-FILE", description = "https://..., file:..., or a local jar.")
    String source;

    @Mixin
    ArtifactOptions artifact;

    @Override
    String verb() {
        return "install";
    }

    @Override
    JsonObject body() throws Exception {
        return Payloads.install(artifact.artifact(source, spec));
    }
}
