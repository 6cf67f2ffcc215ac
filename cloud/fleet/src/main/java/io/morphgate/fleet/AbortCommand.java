package io.morphgate.fleet;

import java.util.concurrent.Callable;

import io.morphgate.fleet.rollout.RolloutStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** Asks the controller to stop a rollout before its next wave and roll back the gateways it changed. */
@Command(name = "abort", mixinStandardHelpOptions = true,
        description = "Aborts a rollout: the controller stops before the next wave and rolls the changed gateways back.")
final class AbortCommand implements Callable<Integer> {

    @Mixin
    DatabaseOptions database;

    @Parameters(index = "0", description = "The rollout id.")
    String id;

    @Override
    public Integer call() throws Exception {
        try (RolloutStore store = new RolloutStore(database.open())) {
            if (!store.requestAbort(id)) {
                System.err.println("rollout " + id + " is not running (see: status " + id + ")");
                return Fleet.EXIT_FAILED;
            }
        }
        System.out.println("abort requested: " + id);
        return Fleet.EXIT_OK;
    }
}
