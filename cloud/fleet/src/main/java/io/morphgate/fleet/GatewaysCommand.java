package io.morphgate.fleet;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

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
                + "seen, groups. Reads the database the controller writes.")
final class GatewaysCommand implements Callable<Integer> {

    @Mixin
    DatabaseOptions database;

    @Option(names = "--group", description = "Only the gateways of this group.")
    String group;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (Inventory inventory = new Inventory(database.open())) {
            List<GatewayRecord> rows = inventory.list(group);
            out.printf("%-20s %-7s %-22s %-14s %8s %8s %8s  %-50s %s%n", "GATEWAY", "ONLINE", "MODEL", "CONFIG",
                    "P99(ms)", "FAILED", "SEEN(s)", "BUDGET", "GROUPS");
            Instant now = Instant.now();
            for (GatewayRecord g : rows) {
                out.printf("%-20s %-7s %-22s %-14s %8s %8s %8d  %-50s %s%n", g.id(), g.online() ? "yes" : "no",
                        g.modelId() == null ? "-" : g.modelId() + " " + g.modelVersion(),
                        dash(g.configurationId()), g.p99Millis() == null ? "-" : String.format("%.1f", g.p99Millis()),
                        g.failures() == null ? "-" : g.failures().toString(),
                        Duration.between(g.lastSeen(), now).toSeconds(), dash(g.budget()), String.join(",", g.groups()));
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
