package io.morphgate.console;

import com.google.gson.JsonObject;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** The model bundles: package one, and list or activate the models a gateway holds (verb: model). */
@Command(name = "model", description = "Packages a model as a model bundle; lists or activates a gateway's models.",
        subcommands = {ModelPackageCommand.class, ModelCommand.ListModels.class, ModelCommand.Activate.class})
final class ModelCommand {

    static final String VERB = "model";

    @Command(name = "list", description = "Lists the models the gateway holds and the one serving (verb: model, "
            + "action list).")
    static final class ListModels extends GatewayCommand {
        @Override
        String verb() {
            return VERB;
        }

        @Override
        JsonObject body() {
            return Payloads.model("list", null);
        }
    }

    @Command(name = "activate", description = "Makes an installed model the one the gateway serves (verb: model, "
            + "action activate).")
    static final class Activate extends GatewayCommand {

        @Parameters(paramLabel = "ID", description = "The model id (its bundle is morphgate.model.<id>).")
        String modelId;

        @Override
        String verb() {
            return VERB;
        }

        @Override
        JsonObject body() {
            return Payloads.model("activate", modelId);
        }
    }
}
