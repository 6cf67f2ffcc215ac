package io.morphgate.fleet;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

import io.morphgate.fleet.desired.DesiredState;
import io.morphgate.fleet.desired.DesiredStates;
import io.morphgate.fleet.desired.Drift;
import io.morphgate.fleet.inventory.Database;
import io.morphgate.fleet.reconcile.ReconcileSteps;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The gateways whose reported state differs from their desired state, from the database. */
@Command(name = "drift", mixinStandardHelpOptions = true,
        description = "Lists the gateways whose reported budget differs from their desired one: DRIFTED (changed on "
                + "the gateway after it had its desired state: only 'reconcile' brings it back) and PENDING (a "
                + "deployment's change that has not reached it: caught up when it is online), with what differs and "
                + "since when.")
final class DriftCommand implements Callable<Integer> {

    @Mixin
    DatabaseOptions database;

    @Option(names = "--steps", description = "Also the latest N reconcile steps (--steps alone: 20).", paramLabel = "N",
            defaultValue = "0", fallbackValue = "20", arity = "0..1")
    int steps;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Database db = database.open();
        try (DesiredStates desired = new DesiredStates(db)) {
            List<DesiredState> rows = desired.list(Drift.DRIFTED, Drift.PENDING);
            out.printf("%-20s %-8s %-28s %-28s %s%n", "GATEWAY", "STATUS", "SINCE", "DESIRED BY", "WHAT DIFFERS");
            for (DesiredState d : rows) {
                out.printf("%-20s %-8s %-28s %-28s %s%n", d.gatewayId(), d.status(), d.statusSince(),
                        d.source() + " (rev " + d.revision() + ")", d.difference());
            }
            long drifted = rows.stream().filter(d -> Drift.DRIFTED.equals(d.status())).count();
            out.println(drifted + " drifted, " + (rows.size() - drifted) + " pending");
        }
        if (steps > 0) {
            try (ReconcileSteps history = new ReconcileSteps(db)) {
                out.println("latest reconcile steps:");
                for (ReconcileSteps.Step s : history.history(null, steps)) {
                    out.printf("  %-40s %-9s %-10s %s %s%s%n", s.requestId(), s.trigger(), s.state(), s.createdAt(),
                            s.budget(), s.detail() == null ? "" : " (" + s.detail() + ")");
                }
            }
        }
        out.flush();
        return Fleet.EXIT_OK;
    }
}
