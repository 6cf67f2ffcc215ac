package io.morphgate.console;

import com.google.gson.JsonObject;

import picocli.CommandLine.Command;

/** Commands that only ask: the answer is the reply's result. */
abstract class QueryCommand extends GatewayCommand {

    @Override
    JsonObject body() {
        return new JsonObject();
    }

    @Command(name = "list", description = "Lists the gateway's bundles with their state (verb: bundles).")
    static final class ListBundles extends QueryCommand {
        @Override
        String verb() {
            return "bundles";
        }
    }

    @Command(name = "variants", description = "Lists the operator variants per slot: accepted, refused (why), active.")
    static final class Variants extends QueryCommand {
        @Override
        String verb() {
            return "variants";
        }
    }

    @Command(name = "status", description = "The serving configuration, its generation, pins, budget, recent swaps.")
    static final class Status extends QueryCommand {
        @Override
        String verb() {
            return "status";
        }
    }
}
