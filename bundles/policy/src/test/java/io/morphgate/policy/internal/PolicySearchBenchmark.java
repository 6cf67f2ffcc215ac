package io.morphgate.policy.internal;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import io.morphgate.api.model.Configuration;
import io.morphgate.policy.internal.RealisticProblems.Scenario;

/**
 * Not a test (surefire runs {@code *Test} classes only; this one runs when named): the figures of
 * docs/benchmarks/policy-search.md. Decision time and nodes of {@link ConfigurationSearch} on seeded
 * {@link RealisticProblems} at 4, 17 (ResNet-18), 34 and 50 slots with 12 options each, under each budget scenario
 * and with excluded configurations (the three best combinations excluded, as after three rolled-back plans), beside
 * the plain branch and bound it replaced ({@link PlainBranchAndBound}, capped). Run with
 * {@code mvn -B -o test -pl bundles/policy -Dtest=PolicySearchBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * ({@code -Dseeds=50 -DbaselineSeeds=10 -DbaselineCap=2000000}).
 */
class PolicySearchBenchmark {

    private static final int[] SIZES = {4, 17, 34, 50};
    private static final int OPTIONS = 12;
    private static final int SEEDS = Integer.getInteger("seeds", 50);
    private static final int BASELINE_SEEDS = Integer.getInteger("baselineSeeds", 10);
    private static final long BASELINE_CAP = Long.getLong("baselineCap", 2_000_000);
    private static final long SMALL_LIMIT = 1_000;

    /** One row: decision times and nodes over the seeds of one size and scenario. */
    private record Row(String solver, int slots, String scenario, int runs, double[] millis, long[] nodes,
            int unfinished, double maxGap, int feasible) {
    }

    @Test
    void decisionTimes() throws IOException {
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        // the first decision of a fresh JVM (a gateway decides seldom, so this is what it often sees)
        ConfigurationSearch.Problem first = RealisticProblems.problem(0, 17, OPTIONS, Scenario.MACS_THIRD, Set.of());
        long t0 = System.nanoTime();
        ConfigurationSearch.Plan cold = ConfigurationSearch.solve(first);
        double coldMillis = (System.nanoTime() - t0) / 1e6;
        warmUp();
        List<Row> rows = new ArrayList<>();
        for (int slots : SIZES) {
            for (Scenario scenario : Scenario.values()) {
                rows.add(measure("search", slots, scenario.name(), SEEDS,
                        seed -> RealisticProblems.problem(seed, slots, OPTIONS, scenario, Set.of()),
                        ConfigurationSearch.DEFAULT_NODE_LIMIT));
            }
            rows.add(measure("search", slots, "MACS_THIRD, 3 best excluded", SEEDS, seed -> withBestExcluded(seed,
                    slots), ConfigurationSearch.DEFAULT_NODE_LIMIT));
            rows.add(measure("search, node limit " + SMALL_LIMIT, slots, "MACS_HALF_AND_LATENCY_70", SEEDS,
                    seed -> RealisticProblems.problem(seed, slots, OPTIONS, Scenario.MACS_HALF_AND_LATENCY_70,
                            Set.of()), SMALL_LIMIT));
        }
        for (int slots : SIZES) {
            for (Scenario scenario : Scenario.values()) {
                rows.add(baseline(slots, scenario));
            }
        }
        String loadAfter = Files.readString(Path.of("/proc/loadavg")).trim();
        write(rows, coldMillis, cold.examined(), loadBefore, loadAfter);
    }

    private static void warmUp() {
        for (int round = 0; round < 3; round++) {
            for (Scenario scenario : Scenario.values()) {
                for (int slots : new int[] {17, 50}) {
                    ConfigurationSearch.solve(RealisticProblems.problem(1000 + round, slots, OPTIONS, scenario,
                            Set.of()));
                }
                PlainBranchAndBound.solve(RealisticProblems.problem(1000 + round, 8, OPTIONS, scenario, Set.of()),
                        200_000);
            }
        }
    }

    /** The problem with its three best combinations excluded, one after the other, as rolled-back plans would. */
    private static ConfigurationSearch.Problem withBestExcluded(long seed, int slots) {
        Set<Configuration> excluded = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            ConfigurationSearch.Plan plan = ConfigurationSearch.solve(
                    RealisticProblems.problem(seed, slots, OPTIONS, Scenario.MACS_THIRD, Set.copyOf(excluded)));
            if (plan.feasible()) {
                excluded.add(plan.configuration());
            }
        }
        return RealisticProblems.problem(seed, slots, OPTIONS, Scenario.MACS_THIRD, Set.copyOf(excluded));
    }

    private static Row measure(String solver, int slots, String scenario, int seeds,
            Function<Long, ConfigurationSearch.Problem> problems, long nodeLimit) {
        double[] millis = new double[seeds];
        long[] nodes = new long[seeds];
        int unfinished = 0;
        int feasible = 0;
        double maxGap = 0;
        for (int seed = 0; seed < seeds; seed++) {
            ConfigurationSearch.Problem p = problems.apply((long) seed);
            ConfigurationSearch.Problem limited = new ConfigurationSearch.Problem(p.baseLatencyMillis(), p.baseMacs(),
                    p.baseParams(), p.baseWeightBytes(), p.optionsPerSlot(), p.budget(), p.latencyFactor(),
                    p.excluded(), nodeLimit);
            long t = System.nanoTime();
            ConfigurationSearch.Plan plan = ConfigurationSearch.solve(limited);
            millis[seed] = (System.nanoTime() - t) / 1e6;
            nodes[seed] = plan.examined();
            unfinished += plan.proven() ? 0 : 1;
            feasible += plan.feasible() ? 1 : 0;
            if (plan.feasible() && !Double.isNaN(plan.gap())) {
                maxGap = Math.max(maxGap, plan.gap());
            }
        }
        return new Row(solver, slots, scenario, seeds, millis, nodes, unfinished, maxGap, feasible);
    }

    private static Row baseline(int slots, Scenario scenario) {
        int seeds = slots <= 4 ? SEEDS : BASELINE_SEEDS;
        double[] millis = new double[seeds];
        long[] nodes = new long[seeds];
        int unfinished = 0;
        int feasible = 0;
        for (int seed = 0; seed < seeds; seed++) {
            ConfigurationSearch.Problem p = RealisticProblems.problem(seed, slots, OPTIONS, scenario, Set.of());
            long t = System.nanoTime();
            PlainBranchAndBound.Result r = PlainBranchAndBound.solve(p, BASELINE_CAP);
            millis[seed] = (System.nanoTime() - t) / 1e6;
            nodes[seed] = r.examined();
            unfinished += r.finished() ? 0 : 1;
            feasible += r.feasible() ? 1 : 0;
        }
        return new Row("plain branch and bound (418b6a9), cap " + String.format(Locale.ROOT, "%,d", BASELINE_CAP),
                slots, scenario.name(), seeds, millis, nodes, unfinished, Double.NaN, feasible);
    }

    private static void write(List<Row> rows, double coldMillis, long coldNodes, String loadBefore,
            String loadAfter) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("# Policy search: decision time at 4 to 50 slots\n\n");
        md.append(String.format(Locale.ROOT, "Measured %s by `bundles/policy/src/test/java/io/morphgate/policy/"
                + "internal/PolicySearchBenchmark.java` on %d cores (Java %s), load average `%s` before and `%s`"
                + " after. Problems from `RealisticProblems` (seeded; ResNet-18's slot MACs at 224x224, cycled beyond"
                + " 17 slots; %d options per slot: the default layer and 11 variants; latency factor 1 to 1.5)."
                + " Times are wall-clock per decision after warm-up, including building the bounds. The first"
                + " decision in a fresh JVM (17 slots, MACs <= 1/3): %.1f ms, %,d nodes.%n%n",
                LocalDate.now(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                loadBefore, loadAfter, OPTIONS, coldMillis, coldNodes));
        md.append("Rerun: `mvn -B -o test -pl bundles/policy -Dtest=PolicySearchBenchmark"
                + " -Dsurefire.failIfNoSpecifiedTests=false`.\n\n");
        md.append("| solver | slots | budget | runs | fits | median ms | p99 ms | max ms | median nodes | max nodes"
                + " | stopped by the limit | largest gap (drop) |\n");
        md.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            double[] ms = r.millis().clone();
            long[] nodes = r.nodes().clone();
            Arrays.sort(ms);
            Arrays.sort(nodes);
            md.append(String.format(Locale.ROOT, "| %s | %d | %s | %d | %d | %.3f | %.3f | %.3f | %,d | %,d | %d | %s |%n",
                    r.solver(), r.slots(), r.scenario(), r.runs(), r.feasible(), ms[ms.length / 2],
                    percentile(ms, 0.99), ms[ms.length - 1], nodes[nodes.length / 2], nodes[nodes.length - 1],
                    r.unfinished(), Double.isNaN(r.maxGap()) ? "-" : String.format(Locale.ROOT, "%.6f", r.maxGap())));
        }
        Path out = Path.of("../../docs/benchmarks/policy-search.md");
        String existing = Files.isRegularFile(out) ? Files.readString(out) : "";
        int reading = existing.indexOf("\n## Reading");
        md.append(reading < 0 ? "" : existing.substring(reading));
        Files.createDirectories(out.getParent());
        Files.writeString(out, md.toString());
        System.out.println(md);
        System.out.println("JVM: " + ManagementFactory.getRuntimeMXBean().getVmName());
    }

    private static double percentile(double[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }
}
