package io.morphgate.console;

import com.google.gson.JsonObject;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "install", description = "Installs and starts a bundle jar on the gateways; follows the job to its outcome.")
final class InstallCommand extends ArtifactCommand {

    @Parameters(paramLabel = "URL-OR-FILE", description = "https://..., or a local jar (a path or file: URL), sent with the upload verb.")
    String source;

    @Override
    String verb() {
        return "install";
    }

    @Override
    JsonObject body() throws Exception {
        return Payloads.install(artifact.artifact(source, spec));
    }
}
