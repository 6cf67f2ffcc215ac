package io.morphgate.console;

import com.google.gson.JsonObject;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** start, stop, uninstall: one bundle by symbolic name (the gateway refuses protected bundles). */
abstract class BundleCommand extends GatewayCommand {

    @Parameters(paramLabel = "SYMBOLIC-NAME")
    String symbolicName;

    @Override
    JsonObject body() {
        return Payloads.bundle(symbolicName);
    }

    @Command(name = "start", description = "Starts an installed bundle.")
    static final class Start extends BundleCommand {
        @Override
        String verb() {
            return "start";
        }
    }

    @Command(name = "stop", description = "Stops a bundle (it stays installed).")
    static final class Stop extends BundleCommand {
        @Override
        String verb() {
            return "stop";
        }
    }

    @Command(name = "uninstall", description = "Uninstalls a bundle.")
    static final class Uninstall extends BundleCommand {
        @Override
        String verb() {
            return "uninstall";
        }
    }
}
