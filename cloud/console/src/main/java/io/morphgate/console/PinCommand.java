package io.morphgate.console;

import com.google.gson.JsonObject;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "pin", description = "Holds a slot on a variant (or on 'default', its original layer).")
final class PinCommand extends GatewayCommand {

    @Parameters(index = "0", paramLabel = "SLOT")
    String slot;

    @Parameters(index = "1", paramLabel = "VARIANT")
    String variantId;

    @Override
    String verb() {
        return "pin";
    }

    @Override
    JsonObject body() {
        return Payloads.pin(slot, variantId);
    }
}
