package io.morphgate.fleet;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.morphgate.fleet.desired.DesiredState;
import io.morphgate.fleet.desired.DesiredStates;
import io.morphgate.fleet.inventory.Database;
import io.morphgate.fleet.inventory.GatewayRecord;
import io.morphgate.fleet.inventory.Inventory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The inventory, read from the database (works while serve runs: H2 AUTO_SERVER, or PostgreSQL). */
@Command(name = "gateways", mixinStandardHelpOptions = true,
        description = "Lists the gateways in the inventory: online, model, configuration, budget, p99, failures, last "
                + "seen, desired state (in-sync, pending, drifted, unknown, or - when none), groups. Reads the "
                + "database the controller writes.")
final class GatewaysCommand implements Callable<Integer> {

    @Mixin
    DatabaseOptions database;

    @Option(names = "--group", description = "Only the gateways of this group.")
    String group;

    @Option(names = "--drifted", description = "Only the gateways whose reported state differs from their desired "
            + "state (drifted or pending; the drift command says what differs).")
    boolean drifted;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Database db = database.open();
        try (Inventory inventory = new Inventory(db); DesiredStates desired = new DesiredStates(db)) {
            Map<String, DesiredState> states = desired.list().stream()
                    .collect(Collectors.toMap(DesiredState::gatewayId, Function.identity()));
            List<GatewayRecord> rows = inventory.list(group).stream()
                    .filter(g -> !drifted || DesiredState.differs(states.get(g.id()))).toList();
            out.printf("%-20s %-7s %-22s %-14s %8s %8s %8s  %-50s %-9s %s%n", "GATEWAY", "ONLINE", "MODEL", "CONFIG",
                    "P99(ms)", "FAILED", "SEEN(s)", "BUDGET", "DESIRED", "GROUPS");
            Instant now = Instant.now();
            for (GatewayRecord g : rows) {
                out.printf("%-20s %-7s %-22s %-14s %8s %8s %8d  %-50s %-9s %s%n", g.id(), g.online() ? "yes" : "no",
                        g.modelId() == null ? "-" : g.modelId() + " " + g.modelVersion(),
                        dash(g.configurationId()), g.p99Millis() == null ? "-" : String.format("%.1f", g.p99Millis()),
                        g.failures() == null ? "-" : g.failures().toString(),
                        Duration.between(g.lastSeen(), now).toSeconds(), dash(g.budget()), DesiredState.label(states.get(g.id())),
                        String.join(",", g.groups()));
            }
            long online = rows.stream().filter(GatewayRecord::online).count();
            out.println(rows.size() + " gateways, " + online + " online");
        }
        out.flush();
        return Fleet.EXIT_OK;
    }

    private static String dash(String s) {
        return s == null ? "-" : s;
    }
}
