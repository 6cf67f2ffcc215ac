package io.morphgate.console;

import picocli.CommandLine.Command;

/** The model bundles: package one. */
@Command(name = "model", description = "Packages a model as a model bundle.",
        subcommands = {ModelPackageCommand.class})
final class ModelCommand {

}
