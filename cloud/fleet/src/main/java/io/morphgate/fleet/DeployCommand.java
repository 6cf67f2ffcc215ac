package io.morphgate.fleet;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

import io.morphgate.console.Payloads;
import io.morphgate.fleet.inventory.Database;
import io.morphgate.fleet.inventory.GatewayRecord;
import io.morphgate.fleet.inventory.Inventory;
import io.morphgate.fleet.rollout.RolloutStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Plans a budget rollout in the database; the running controller (serve) carries it out. */
@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = "Rolls a budget out to a group (or listed gateways) in waves: a canary wave, then waves of "
                + "--wave-size, a health gate after each, rollback when too many fail or turn unhealthy. Prints the "
                + "rollout id; the running controller (serve) carries it out.")
final class DeployCommand implements Callable<Integer> {

    @Mixin
    DatabaseOptions database;

    @Option(names = "--group", description = "Every gateway of this group.")
    String group;

    @Option(names = {"--gateway", "-g"}, description = "A gateway id. Repeatable.")
    List<String> gateways = new ArrayList<>();

    @Option(names = "--max-latency-millis") Long maxLatencyMillis;
    @Option(names = "--max-macs") Long maxMacs;
    @Option(names = "--max-params") Long maxParams;
    @Option(names = "--max-memory-bytes") Long maxMemoryBytes;

    @Option(names = "--canary", description = "Gateways in the first wave (default: ${DEFAULT-VALUE}).", defaultValue = "1")
    int canary;

    @Option(names = "--wave-size", description = "Gateways per later wave (default: ${DEFAULT-VALUE}).", defaultValue = "10")
    int waveSize;

    @Option(names = "--wave-pause", description = "Seconds between waves (default: ${DEFAULT-VALUE}).", defaultValue = "30")
    double wavePause;

    @Option(names = "--health-wait", description = "Seconds of telemetry after a wave before its health gate "
            + "(default: ${DEFAULT-VALUE}; above the gateways' telemetry interval).", defaultValue = "30")
    double healthWait;

    @Option(names = "--max-bad-share", description = "Abort when more than this share of a wave fails or turns "
            + "unhealthy (default: ${DEFAULT-VALUE}).", defaultValue = "0.2")
    double maxBadShare;

    @Option(names = "--command-timeout", description = "Seconds to wait for each reply (default: ${DEFAULT-VALUE}).",
            defaultValue = "30")
    double commandTimeout;

    @Option(names = "--id", description = "Rollout id (default: a new one).")
    String id;

    @Override
    public Integer call() throws Exception {
        Database db = database.open();
        List<String> targets = new ArrayList<>(gateways);
        if (group != null) {
            try (Inventory inventory = new Inventory(db)) {
                inventory.list(group).stream().map(GatewayRecord::id).forEach(targets::add);
            }
        }
        if (targets.isEmpty()) {
            System.err.println("no gateway: give --group (with members, see the group command) or --gateway");
            return Fleet.EXIT_FAILED;
        }
        String budget = Payloads.budget(maxLatencyMillis, maxMacs, maxParams, maxMemoryBytes).toString();
        String rolloutId = id != null ? id : "r-" + UUID.randomUUID().toString().substring(0, 8);
        try (RolloutStore store = new RolloutStore(db)) {
            store.create(new RolloutStore.Rollout(rolloutId, budget, "PENDING", null, false, canary, waveSize,
                    (long) (wavePause * 1000), (long) (healthWait * 1000), maxBadShare, (long) (commandTimeout * 1000)),
                    targets.stream().distinct().sorted().toList());
        }
        System.out.println(rolloutId);
        return Fleet.EXIT_OK;
    }
}
