package io.morphgate.console;

import com.google.gson.JsonObject;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

@Command(name = "budget", description = "Sets the compute budget the gateway plans its variants under.")
final class BudgetCommand extends GatewayCommand {

    @Option(names = "--max-latency-ms", description = "Latency per inference, milliseconds.")
    Long maxLatencyMillis;

    @Option(names = "--max-macs", description = "Multiply-accumulates per sample.")
    Long maxMacs;

    @Option(names = "--max-params", description = "Parameters.")
    Long maxParams;

    @Option(names = "--max-memory-bytes", description = "Memory, bytes.")
    Long maxMemoryBytes;

    @Option(names = "--model", description = "Set this model's own limits (they override the gateway's while it "
            + "serves); without it, the gateway's limits for any model.")
    String model;

    @Override
    String verb() {
        return "budget";
    }

    @Override
    JsonObject body() {
        JsonObject json = Payloads.budget(maxLatencyMillis, maxMacs, maxParams, maxMemoryBytes);
        if (json.size() == 0) {
            throw new ParameterException(spec.commandLine(), "give at least one limit");
        }
        if (model != null) {
            json.addProperty("model", model);
        }
        return json;
    }
}
