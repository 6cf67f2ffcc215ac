package io.morphgate.fleet;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonObject;

import io.morphgate.fleet.controller.FleetController;
import io.morphgate.fleet.inventory.Database;
import io.morphgate.fleet.inventory.GatewayRecord;
import io.morphgate.fleet.inventory.Inventory;
import io.morphgate.fleet.mqtt.BrokerSettings;
import io.morphgate.fleet.rollout.RolloutStore;
import io.morphgate.fleet.simulator.Behaviour;
import io.morphgate.fleet.simulator.SimulatedGateway;
import io.morphgate.fleet.simulator.Simulation;

/**
 * Figures for docs/benchmarks/fleet.md, measured on the real 3-node NATS cluster (nats-cluster.sh) with the
 * controller (H2 file) and {@code -Dmorphgate.fleet.bench.gateways} (300) simulated gateways in this JVM: rollout time
 * in waves, command fan-out rate and command-to-reply latency, what a broker node's loss costs, controller heap and
 * database size. Not a test: no timing assertions, and surefire runs it only when named
 * ({@code -Dtest=FleetBenchmark}). Writes {@code -Dmorphgate.fleet.bench.out} (docs/benchmarks/fleet.md).
 */
class FleetBenchmark {

    private static final Logger LOG = Logger.getLogger(FleetBenchmark.class.getName());
    private static final int GATEWAYS = Integer.getInteger("morphgate.fleet.bench.gateways", 300);
    private static final int TELEMETRY_MILLIS = 5000;
    private static final int CANARY = 10;
    private static final int WAVE_SIZE = 58;
    private static final double WAVE_PAUSE = 2;
    private static final double HEALTH_WAIT = 6;
    private static final int FAN_OUT_ROUNDS = 3;
    static final String RERUN = "mvn -B -o verify -pl cloud/fleet -Dtest=FleetBenchmark -Dsurefire.failIfNoSpecifiedTests=false";

    @TempDir
    static Path dir;

    private final List<String> report = new ArrayList<>();
    private final AtomicInteger subackRefusals = new AtomicInteger();

    @Test
    void measure() throws Exception {
        String loadBefore = loadAverage();
        long heapBaseline = heapAfterGc();
        countSubackRefusals();
        try (NatsCluster cluster = NatsCluster.start(dir.resolve("nats"))) {
            Assumptions.assumeTrue(cluster != null, NatsCluster.MISSING);
            BrokerSettings broker = new BrokerSettings(cluster.servers(), null, null, 5);
            Database database = Database.open(Database.h2Url(dir.resolve("db")), "fleet", "");
            FleetController controller = FleetController.start(database, broker, "bench-controller", 60_000);
            long t0 = System.nanoTime();
            Simulation simulation = Simulation.start(broker, "bg", GATEWAYS, TELEMETRY_MILLIS, 25, 300_000);
            double connectSeconds = seconds(t0);
            int refusedAtConnect = subackRefusals.get();
            await("inventory complete", 120, () -> inventoryComplete(database));
            double inventorySeconds = seconds(t0);
            line("## Setup");
            line("");
            line(String.format("- %d simulated gateways (telemetry every %d s, persistent sessions, one QoS 1 `cmd/+` "
                    + "subscription each) connected and subscribed, 25 at a time: %.1f s; SUBACK 128 (subscription "
                    + "refused, retried) seen %d times; all %d in the inventory with state, budget and telemetry %.1f s "
                    + "after the first connect.", GATEWAYS, TELEMETRY_MILLIS / 1000, connectSeconds, refusedAtConnect,
                    GATEWAYS, inventorySeconds));
            fanOut(controller, simulation);
            rollout(database, simulation);
            nodeLoss(cluster, controller, simulation);
            idleLoad(controller);
            simulation.close();
            long heapController = heapAfterGc();
            writeCapacity(database);
            storage(database, heapBaseline, heapController);
            controller.close();
        }
        write(loadBefore);
    }

    /** Commands to every gateway at once: publish rate and the time from send to reply, per command. */
    private void fanOut(FleetController controller, Simulation simulation) throws Exception {
        line("");
        line("## Command fan-out (`status` to every gateway at once, controller to reply)");
        line("");
        line("| round | published in | commands/s published | all replies in | p50 send to reply | p99 | max |");
        line("|---|---|---|---|---|---|---|");
        for (int round = 1; round <= FAN_OUT_ROUNDS; round++) {
            List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
            List<CompletableFuture<JsonObject>> replies = new ArrayList<>();
            long start = System.nanoTime();
            for (SimulatedGateway g : simulation.gateways()) {
                long sent = System.nanoTime();
                replies.add(controller.commands().send(g.id(), "status", "bench-" + round + "-" + g.id(),
                        new JsonObject(), 60_000).whenComplete((r, e) -> latencies.add(System.nanoTime() - sent)));
            }
            double published = seconds(start);
            CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).join();
            double all = seconds(start);
            line(String.format("| %d | %.0f ms | %.0f | %.0f ms | %s | %s | %s |", round, published * 1000,
                    GATEWAYS / published, all * 1000, millis(latencies, 0.5), millis(latencies, 0.99),
                    millis(latencies, 1.0)));
            Thread.sleep(1000);
        }
    }

    /** A budget to every gateway in waves; the time from deploy to SUCCEEDED and each wave's apply span. */
    private void rollout(Database database, Simulation simulation) throws Exception {
        List<String> ids = simulation.gateways().stream().map(SimulatedGateway::id).toList();
        try (Inventory inventory = new Inventory(database)) {
            inventory.addToGroup("bench", ids);
        }
        long start = System.nanoTime();
        String db = Database.h2Url(dir.resolve("db"));
        int exit = Fleet.commandLine().execute("deploy", "--group", "bench", "--id", "r-bench", "--max-latency-millis",
                "9", "--canary", String.valueOf(CANARY), "--wave-size", String.valueOf(WAVE_SIZE), "--wave-pause",
                String.valueOf(WAVE_PAUSE), "--health-wait", String.valueOf(HEALTH_WAIT), "--command-timeout", "30",
                "--db", db);
        if (exit != 0) {
            throw new AssertionError("deploy exited " + exit);
        }
        try (RolloutStore store = new RolloutStore(database)) {
            await("rollout finished", 600, () -> {
                try {
                    String state = store.find("r-bench").orElseThrow().state();
                    return !List.of("PENDING", "RUNNING", "ROLLING_BACK").contains(state);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            double total = seconds(start);
            RolloutStore.Rollout r = store.find("r-bench").orElseThrow();
            List<RolloutStore.Step> steps = store.steps("r-bench");
            long ok = steps.stream().filter(s -> "OK".equals(s.applyState())).count();
            long healthy = steps.stream().filter(s -> "HEALTHY".equals(s.health())).count();
            long ranOnce = steps.stream().filter(s -> simulation.gateway(s.gatewayId()).timesExecuted(s.applyRequestId()) == 1)
                    .count();
            int waves = steps.stream().mapToInt(RolloutStore.Step::wave).max().orElse(-1) + 1;
            line("");
            line("## Rollout of a budget to every gateway in waves");
            line("");
            line(String.format("`deploy --canary %d --wave-size %d --wave-pause %.0f --health-wait %.0f "
                    + "--command-timeout 30` (%d waves; the health wait must exceed the %d s telemetry interval, since "
                    + "a gateway with no telemetry after its change is unhealthy): **%s in %.1f s** from `deploy` to "
                    + "the final state; %d of %d steps `OK`, %d `HEALTHY`, %d ran exactly once on their gateway.",
                    CANARY, WAVE_SIZE, WAVE_PAUSE, HEALTH_WAIT, waves, TELEMETRY_MILLIS / 1000, r.state(), total, ok,
                    steps.size(), healthy, ranOnce));
            line("");
            line("| wave | gateways | replies recorded over (first to last `appliedAt`) |");
            line("|---|---|---|");
            for (int w = 0; w < waves; w++) {
                int wave = w;
                List<Instant> at = steps.stream().filter(s -> s.wave() == wave && s.appliedAt() != null)
                        .map(RolloutStore.Step::appliedAt).sorted().toList();
                long n = steps.stream().filter(s -> s.wave() == wave).count();
                line(String.format("| %d | %d | %s |", w, n, at.isEmpty() ? "-"
                        : (at.get(at.size() - 1).toEpochMilli() - at.get(0).toEpochMilli()) + " ms"));
            }
            double floor = waves * HEALTH_WAIT + (waves - 1) * WAVE_PAUSE;
            line("");
            line(String.format("Of the %.1f s, %.0f s are the configured waits (%d x health wait + %d x pause); the "
                    + "rest (%.1f s) is sending, replies, writing steps and the runner's 0.5 s poll.", total, floor,
                    waves, waves - 1, total - floor));
        }
    }

    /**
     * One node killed (not the controller's) while a command to every gateway is out (each answers 1 s late): per
     * gateway on that node, the time until it is connected to another node; the commands' outcome; repeats by
     * request id.
     */
    private void nodeLoss(NatsCluster cluster, FleetController controller, Simulation simulation) throws Exception {
        String spared = controller.currentServer();
        String dead = cluster.servers().stream().filter(s -> !s.equals(spared)).findFirst().orElseThrow();
        String node = "n" + (cluster.servers().indexOf(dead) + 1);
        List<SimulatedGateway> onDead = simulation.gateways().stream().filter(g -> dead.equals(g.currentServer())).toList();
        simulation.behave(new Behaviour(1000, null, 0, false));
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        Map<String, Long> repliedAt = new ConcurrentHashMap<>();
        List<CompletableFuture<JsonObject>> replies = new ArrayList<>();
        for (SimulatedGateway g : simulation.gateways()) {
            sentAt.put(g.id(), System.nanoTime());
            replies.add(controller.commands().send(g.id(), "status", "loss-" + g.id(), new JsonObject(), 60_000)
                    .whenComplete((r, e) -> {
                        if (e == null) {
                            repliedAt.put(g.id(), System.nanoTime());
                        }
                    }));
        }
        Thread.sleep(200);
        long killed = System.nanoTime();
        cluster.kill(node);
        Map<String, Long> back = new ConcurrentHashMap<>();
        long deadline = killed + 120_000_000_000L;
        while (back.size() < onDead.size() && System.nanoTime() < deadline) {
            for (SimulatedGateway g : onDead) {
                String now = g.currentServer();
                if (now != null && !now.equals(dead)) {
                    back.putIfAbsent(g.id(), System.nanoTime() - killed);
                }
            }
            Thread.sleep(20);
        }
        int answered = 0;
        for (CompletableFuture<JsonObject> reply : replies) {
            try {
                reply.join();
                answered++;
            } catch (RuntimeException e) {
                // counted below as not answered
            }
        }
        List<Long> reconnect = new ArrayList<>(back.values());
        List<Long> onDeadReply = onDead.stream().filter(g -> repliedAt.containsKey(g.id()))
                .map(g -> repliedAt.get(g.id()) - killed).toList();
        List<Long> othersReply = simulation.gateways().stream().filter(g -> !onDead.contains(g) && repliedAt.containsKey(g.id()))
                .map(g -> repliedAt.get(g.id()) - sentAt.get(g.id())).toList();
        int received = 0;
        int executedTwice = 0;
        int receivedTwice = 0;
        for (SimulatedGateway g : simulation.gateways()) {
            int n = g.timesReceived("loss-" + g.id());
            received += n;
            receivedTwice += n > 1 ? 1 : 0;
            executedTwice += g.timesExecuted("loss-" + g.id()) > 1 ? 1 : 0;
        }
        simulation.behave(Behaviour.HEALTHY);
        line("");
        line("## A broker node killed (SIGKILL) with a command out to every gateway");
        line("");
        line(String.format("Node %s (not the controller's) killed 0.2 s after a `status` to each of the %d gateways was "
                + "published; each gateway answers 1 s after it receives. %d gateways were on it.", node, GATEWAYS,
                onDead.size()));
        line("");
        line(String.format("- Time without service for the gateways on the killed node (kill to connected to another "
                + "node): p50 %s, p99 %s, max %s; %d of %d back within 120 s.", millis(reconnect, 0.5),
                millis(reconnect, 0.99), millis(reconnect, 1.0), back.size(), onDead.size()));
        line(String.format("- Their commands, kill to reply at the controller: p50 %s, p99 %s, max %s (the gateways on "
                + "the other nodes: send to reply p50 %s, p99 %s).", millis(onDeadReply, 0.5), millis(onDeadReply, 0.99),
                millis(onDeadReply, 1.0), millis(othersReply, 0.5), millis(othersReply, 0.99)));
        line(String.format("- Answered: %d of %d commands (timeout 60 s). Deliveries at the gateways: %d for %d request "
                + "ids: %d gateways received their command more than once (JetStream redelivery of an unacknowledged "
                + "message, or the controller sending an unanswered command again when the gateway came back online); "
                + "%d ran it more than once (the reply store answers a repeat).", answered, GATEWAYS, received, GATEWAYS,
                receivedTwice, executedTwice));
    }

    /** The controller's inbound message rate with every gateway idle but for telemetry. */
    private void idleLoad(FleetController controller) throws InterruptedException {
        long m0 = controller.messages();
        long start = System.nanoTime();
        Thread.sleep(20_000);
        double rate = (controller.messages() - m0) / seconds(start);
        line("");
        line("## Steady state");
        line("");
        line(String.format("- Messages the controller hears, %d gateways idle (telemetry every %d s, after the node "
                + "loss, 2 nodes): %.1f/s over 20 s (expected %.1f/s: one telemetry per gateway per interval), each "
                + "one inventory `UPDATE` on the writer thread.", GATEWAYS, TELEMETRY_MILLIS / 1000, rate,
                GATEWAYS * 1000.0 / TELEMETRY_MILLIS));
    }

    /** How many telemetry updates per second the inventory's single writer sustains on this H2 file. */
    private void writeCapacity(Database database) throws SQLException {
        JsonObject telemetry = new JsonObject();
        telemetry.addProperty("state", "SERVING");
        JsonObject model = new JsonObject();
        model.addProperty("id", "fashion-mnist");
        model.addProperty("version", "1.0.0");
        telemetry.add("model", model);
        JsonObject configuration = new JsonObject();
        configuration.addProperty("id", "default");
        telemetry.add("configuration", configuration);
        telemetry.addProperty("p50LatencyMillis", 2.1);
        telemetry.addProperty("p99LatencyMillis", 4.2);
        telemetry.addProperty("failures", 0);
        int n = 0;
        long start = System.nanoTime();
        try (Inventory inventory = new Inventory(database)) {
            while (System.nanoTime() - start < 5_000_000_000L) {
                telemetry.addProperty("requests", n);
                inventory.recordTelemetry(String.format("bg-%04d", 1 + n % GATEWAYS), telemetry, Instant.now());
                n++;
            }
        }
        line(String.format("- The inventory writer's capacity (the controller's own `Inventory.recordTelemetry`, one "
                + "autocommitted `UPDATE` each, one thread, this H2 file, gateways stopped): %.0f telemetry updates/s "
                + "over 5 s.", n / seconds(start)));
    }

    private void storage(Database database, long heapBaseline, long heapController) throws SQLException, IOException {
        Map<String, Long> rows = new TreeMap<>();
        try (Connection c = database.connect(); Statement st = c.createStatement()) {
            for (String table : List.of("gateway", "gateway_group", "rollout", "rollout_step", "desired_state",
                    "reconcile_step")) {
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
                    rs.next();
                    rows.put(table, rs.getLong(1));
                } catch (SQLException e) {
                    rows.put(table + " (missing)", -1L);
                }
            }
            st.execute("CHECKPOINT");
        }
        long bytes = Files.size(dir.resolve("db").resolve("fleet.mv.db"));
        double heapMb = (heapController - heapBaseline) / 1e6;
        line("");
        line("## Controller memory and database size");
        line("");
        line(String.format("- Heap after GC, controller and its embedded H2 running with %d gateways known (simulator "
                + "closed, same JVM), less the heap after GC before the cluster and controller started: %.1f MB. "
                + "Linear from zero that is %.1f MB per 1,000 gateways (extrapolated; an upper bound: part of it is "
                + "fixed, e.g. H2's page cache, Flyway, Paho).", GATEWAYS, heapMb, heapMb * 1000 / GATEWAYS));
        line(String.format("- H2 file `fleet.mv.db` after the run (checkpointed, not compacted): %.2f MB, holding %s. "
                + "Per 1,000 gateways (extrapolated linearly from %d, with one rollout step each): %.2f MB.",
                bytes / 1e6, rows, GATEWAYS, bytes / 1e6 * 1000 / GATEWAYS));
    }

    private void countSubackRefusals() {
        Logger mqtt = Logger.getLogger("io.morphgate.fleet.mqtt");
        mqtt.addHandler(new Handler() {
            @Override
            public void publish(LogRecord r) {
                String message = r.getMessage();
                if (message != null && message.contains("SUBACK 128")) {
                    subackRefusals.incrementAndGet();
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
    }

    private void write(String loadBefore) throws IOException, InterruptedException {
        List<String> out = new ArrayList<>();
        out.add("# Fleet: rollouts through a 3-node NATS cluster (measured)");
        out.add("");
        out.add("Written by `cloud/fleet/src/test/java/io/morphgate/fleet/FleetBenchmark.java`; numbers, not assertions.");
        out.add("Everything ran on one machine: the three `nats-server` nodes, the controller with its embedded H2 and "
                + "the " + GATEWAYS + " simulated gateways (one JVM for controller and simulator).");
        out.add("");
        out.add("- Date: " + Instant.now());
        out.add("- Machine: " + Runtime.getRuntime().availableProcessors() + " cores (" + cpuModel() + "), "
                + memTotal() + " RAM; Java " + System.getProperty("java.version") + "; " + command("nats-server --version"));
        out.add("- Load average (1, 5, 15 min) before: " + loadBefore + "; after: " + loadAverage()
                + ". The machine is shared (other engineers' builds, a CI run): the figures are of a loaded 2-core box.");
        out.add("- Rerun (from the repository root): `" + RERUN + "` (`-Dmorphgate.fleet.bench.gateways=N` for another "
                + "count; about 150 s; needs `nats-server`).");
        out.add("");
        out.addAll(report);
        Path file = Path.of(System.getProperty("morphgate.fleet.bench.out", "../../docs/benchmarks/fleet.md"));
        Files.writeString(file, String.join("\n", out) + "\n", StandardCharsets.UTF_8);
        System.out.println(String.join("\n", out));
        System.out.println("written to " + file.toAbsolutePath().normalize());
    }

    private void line(String s) {
        report.add(s);
        LOG.info(s);
    }

    private static boolean inventoryComplete(Database database) {
        try (Inventory inventory = new Inventory(database)) {
            List<GatewayRecord> rows = inventory.list(null);
            return rows.size() == GATEWAYS && rows.stream().allMatch(g -> g.online() && g.budget() != null
                    && g.telemetryAt() != null);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String millis(List<Long> nanos, double q) {
        if (nanos.isEmpty()) {
            return "-";
        }
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        int i = (int) Math.ceil(q * sorted.size()) - 1;
        return String.format("%.0f ms", sorted.get(Math.max(0, Math.min(i, sorted.size() - 1))) / 1e6);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + ", " + f[1] + ", " + f[2];
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    private static String memTotal() {
        try {
            String kb = Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\D+", "");
            return String.format("%.1f GB", Long.parseLong(kb) / 1e6);
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String command(String line) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", line).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        return out;
    }

    private static void await(String what, int seconds, BooleanSupplier done) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + seconds * 1_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + seconds + " s: " + what);
            }
            Thread.sleep(200);
        }
        LOG.info(() -> what + ": " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }
}
