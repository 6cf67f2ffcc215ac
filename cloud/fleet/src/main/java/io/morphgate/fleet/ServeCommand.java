package io.morphgate.fleet;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.morphgate.fleet.controller.FleetController;
import io.morphgate.fleet.inventory.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The long-running controller: keeps the inventory until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Runs the fleet controller: hears every gateway's state and telemetry, keeps the inventory in "
                + "the database. Runs until Ctrl-C.")
final class ServeCommand implements Callable<Integer> {

    @Mixin
    BrokerOptions broker;

    @Mixin
    DatabaseOptions database;

    @Option(names = "--client-id", description = "MQTT client id: its persistent session (default: ${DEFAULT-VALUE}).",
            defaultValue = "morphgate-fleet-controller")
    String clientId;

    @Override
    public Integer call() throws Exception {
        Database db = database.open();
        FleetController controller = FleetController.start(db, broker.settings(), clientId, 60_000);
        System.out.println("fleet controller serving: database " + db.url() + ", broker node " + controller.currentServer());
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                controller.close();
            } catch (Exception e) {
                System.err.println("closing: " + e.getMessage());
            }
            stop.countDown();
        }));
        stop.await();
        return Fleet.EXIT_OK;
    }
}
