package io.morphgate.console;

import com.google.gson.JsonObject;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "unpin", description = "Lets the gateway choose a slot's variant again.")
final class UnpinCommand extends GatewayCommand {

    @Parameters(paramLabel = "SLOT")
    String slot;

    @Override
    String verb() {
        return "unpin";
    }

    @Override
    JsonObject body() {
        return Payloads.unpin(slot);
    }
}
