package io.morphgate.fleet;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.morphgate.fleet.rollout.RolloutPlan;
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

    // the budget: at least one limit; the others keep their value on the gateway
    @Option(names = "--max-latency-millis") Long maxLatencyMillis;
    @Option(names = "--max-macs") Long maxMacs;
    @Option(names = "--max-params") Long maxParams;
    @Option(names = "--max-memory-bytes") Long maxMemoryBytes;

    @Option(names = "--canary", description = "Gateways in the first wave (default: ${DEFAULT-VALUE}).",
            defaultValue = "" + RolloutPlan.DEFAULT_CANARY)
    int canary;

    @Option(names = "--wave-size", description = "Gateways per later wave (default: ${DEFAULT-VALUE}).",
            defaultValue = "" + RolloutPlan.DEFAULT_WAVE_SIZE)
    int waveSize;

    @Option(names = "--wave-pause", description = "Seconds between waves (default: ${DEFAULT-VALUE}).",
            defaultValue = "" + RolloutPlan.DEFAULT_WAVE_PAUSE_SECONDS)
    double wavePause;

    @Option(names = "--health-wait", description = "Seconds of telemetry after a wave before its health gate "
            + "(default: ${DEFAULT-VALUE}; above the gateways' telemetry interval).",
            defaultValue = "" + RolloutPlan.DEFAULT_HEALTH_WAIT_SECONDS)
    double healthWait;

    @Option(names = "--max-bad-share", description = "Abort when more than this share of a wave fails or turns "
            + "unhealthy (default: ${DEFAULT-VALUE}).", defaultValue = "" + RolloutPlan.DEFAULT_MAX_BAD_SHARE)
    double maxBadShare;

    @Option(names = "--command-timeout", description = "Seconds to wait for each reply (default: ${DEFAULT-VALUE}).",
            defaultValue = "" + RolloutPlan.DEFAULT_COMMAND_TIMEOUT_SECONDS)
    double commandTimeout;

    @Option(names = "--id", description = "Rollout id (default: a new one).")
    String id;

    @Override
    public Integer call() throws Exception {
        RolloutPlan plan = new RolloutPlan(id, group, gateways, maxLatencyMillis, maxMacs, maxParams, maxMemoryBytes,
                canary, waveSize, wavePause, healthWait, maxBadShare, commandTimeout);
        try {
            System.out.println(plan.submit(database.open()));
            return Fleet.EXIT_OK;
        } catch (RolloutPlan.Rejected e) {
            System.err.println("not deployed: " + e.getMessage());
            return Fleet.EXIT_FAILED;
        }
    }
}
