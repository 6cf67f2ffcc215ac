package io.morphgate.fleet;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.morphgate.fleet.rollout.RolloutStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Where a rollout stands, from the database. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Shows a rollout: its state and reason, and per wave how many gateways applied, failed, are "
                + "healthy or not, and were rolled back.")
final class RolloutStatusCommand implements Callable<Integer> {

    @Mixin
    DatabaseOptions database;

    @Parameters(index = "0", description = "The rollout id.")
    String id;

    @Option(names = "--steps", description = "One line per gateway.")
    boolean steps;

    @Override
    public Integer call() throws Exception {
        try (RolloutStore store = new RolloutStore(database.open())) {
            var rollout = store.find(id);
            if (rollout.isEmpty()) {
                System.err.println("no rollout " + id);
                return Fleet.EXIT_FAILED;
            }
            var r = rollout.get();
            System.out.println(r.id() + " " + r.state() + (r.reason() == null ? "" : " (" + r.reason() + ")") + " budget "
                    + r.budget() + (r.abortRequested() ? " abort requested" : ""));
            List<RolloutStore.Step> all = store.steps(id);
            Map<Integer, List<RolloutStore.Step>> byWave = new TreeMap<>(all.stream()
                    .collect(Collectors.groupingBy(RolloutStore.Step::wave)));
            byWave.forEach((wave, list) -> System.out.println("wave " + wave + (wave == 0 ? " (canary)" : "") + ": "
                    + list.size() + " gateways, apply " + count(list, RolloutStore.Step::applyState) + ", health "
                    + count(list, RolloutStore.Step::health) + ", rollback " + count(list, RolloutStore.Step::rollbackState)));
            if (steps) {
                all.forEach(s -> System.out.println("  " + s.gatewayId() + " wave " + s.wave() + " " + s.applyRequestId()
                        + " " + s.applyState() + " " + s.health() + (s.healthDetail() == null ? "" : " (" + s.healthDetail()
                        + ")") + " rollback " + s.rollbackState()));
            }
        }
        return Fleet.EXIT_OK;
    }

    private static String count(List<RolloutStore.Step> steps, Function<RolloutStore.Step, String> f) {
        return new TreeMap<>(steps.stream().collect(Collectors.groupingBy(s -> String.valueOf(f.apply(s)),
                Collectors.counting()))).toString();
    }
}
