package io.morphgate.fleet;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.morphgate.fleet.controller.FleetController;
import io.morphgate.fleet.http.FleetApi;
import io.morphgate.fleet.inventory.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The long-running controller: keeps the inventory until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Runs the fleet controller: hears every gateway's state and telemetry, keeps the inventory in "
                + "the database, carries out rollouts; with --http-port also the HTTP/JSON API and the fleet page. "
                + "Runs until Ctrl-C.")
final class ServeCommand implements Callable<Integer> {

    @Mixin
    BrokerOptions broker;

    @Mixin
    DatabaseOptions database;

    @Option(names = "--client-id", description = "MQTT client id: its persistent session (default: ${DEFAULT-VALUE}).",
            defaultValue = "morphgate-fleet-controller")
    String clientId;

    @Option(names = "--http-port", description = "Serves the HTTP/JSON API (/api/v1/...) and the fleet page (/) on "
            + "this port; 0: a free one (printed). Default: no HTTP.")
    Integer httpPort;

    @Option(names = "--http-host", description = "Address the HTTP server binds (default: ${DEFAULT-VALUE}, this "
            + "machine only; the API has no authentication: bind another address only behind a proxy that has).",
            defaultValue = "127.0.0.1")
    String httpHost;

    @Override
    public Integer call() throws Exception {
        Database db = database.open();
        FleetController controller = FleetController.start(db, broker.settings(), clientId, 60_000);
        System.out.println("fleet controller serving: database " + db.url() + ", broker node " + controller.currentServer());
        FleetApi api = httpPort == null ? null : FleetApi.start(db, httpHost, httpPort);
        if (api != null) {
            System.out.println("fleet page and API: " + api.address() + "/ (API under /api/v1/)");
        }
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                if (api != null) {
                    api.close();
                }
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
