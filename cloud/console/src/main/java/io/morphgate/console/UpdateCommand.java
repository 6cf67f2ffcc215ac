package io.morphgate.console;

import com.google.gson.JsonObject;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "update", description = "Replaces an installed bundle with a new jar; follows the job to its outcome.")
final class UpdateCommand extends ArtifactCommand {

    @Parameters(index = "0", paramLabel = "SYMBOLIC-NAME")
    String symbolicName;

    @Parameters(index = "1", paramLabel = "URL-OR-FILE", description = "https://..., or a local jar (a path or file: URL), sent with the upload verb.")
    String source;

    @Override
    String verb() {
        return "update";
    }

    @Override
    JsonObject body() throws Exception {
        return Payloads.update(symbolicName, artifact.artifact(source, spec));
    }
}
