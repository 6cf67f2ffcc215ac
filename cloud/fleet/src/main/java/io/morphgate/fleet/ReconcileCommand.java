package io.morphgate.fleet;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** An operator's request to bring gateways back to their desired state; the running controller sends it. */
@Command(name = "reconcile", mixinStandardHelpOptions = true,
        description = "Brings gateways back to their desired state (a drifted one is only brought back this way): "
                + "writes one reconcile step per gateway, which the running controller (serve) sends when the "
                + "gateway is online. Prints each step's request id.")
final class ReconcileCommand implements Callable<Integer> {

    @Mixin
    DatabaseOptions database;

    @Parameters(description = "Gateway ids.", arity = "0..*")
    List<String> gateways = new ArrayList<>();

    @Option(names = "--all-drifted", description = "Every gateway the drift command lists as DRIFTED.")
    boolean allDrifted;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (gateways.isEmpty() == !allDrifted) {
            err.println("give gateway ids or --all-drifted (not both)");
            err.flush();
            return Fleet.EXIT_FAILED;
        }
        Database db = database.open();
        int refused = 0;
        try (DesiredStates desired = new DesiredStates(db); ReconcileSteps steps = new ReconcileSteps(db)) {
            List<String> targets = allDrifted
                    ? desired.list(Drift.DRIFTED).stream().map(DesiredState::gatewayId).toList() : gateways;
            for (String id : targets) {
                Optional<DesiredState> d = desired.find(id);
                if (d.isEmpty() || !d.get().hasBudget()) {
                    err.println(id + ": no desired state (no deployment set one): nothing to reconcile");
                    refused++;
                } else if (Drift.IN_SYNC.equals(d.get().status())) {
                    out.println(id + ": in sync with " + d.get().source() + " (rev " + d.get().revision() + ")");
                } else {
                    ReconcileSteps.Step step = steps.request(d.get(), ReconcileSteps.OPERATOR, Instant.now());
                    out.println(id + ": " + step.requestId() + " " + step.state() + " budget " + step.budget() + " ("
                            + d.get().status() + (d.get().difference() == null ? "" : ": " + d.get().difference()) + ")");
                }
            }
            if (targets.isEmpty()) {
                out.println("no drifted gateway");
            }
        }
        out.flush();
        err.flush();
        return refused == 0 ? Fleet.EXIT_OK : Fleet.EXIT_FAILED;
    }
}
