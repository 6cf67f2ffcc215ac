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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
import io.morphgate.fleet.mqtt.MqttSession;
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
    private static final Pattern RESENT = Pattern.compile("(\\d+) unanswered command\\(s\\) sent again");
    static final String RERUN = "mvn -B -o verify -pl cloud/fleet -Dtest=FleetBenchmark -Dsurefire.failIfNoSpecifiedTests=false";

    @TempDir
    static Path dir;

    private final List<String> report = new ArrayList<>();
    private double runningFileMb;
    private final AtomicInteger subackRefusals = new AtomicInteger();
    /** Commands the controller sent again to gateways back online (its log says how many each time). */
    private final AtomicInteger resent = new AtomicInteger();

    @Test
    void measure() throws Exception {
        String loadBefore = loadAverage();
        long heapBaseline = heapAfterGc();
        countFromLogs();
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
            fanOut(controller, simulation, broker);
            rollout(database, simulation);
            line("");
            line("## A broker node killed (SIGKILL) with a command out to every gateway");
            line("");
            line("A `status` to each of the " + GATEWAYS + " gateways is published, each gateway answers 1 s after it "
                    + "receives, and 0.2 s later one node (not the controller's) is killed. One trial per run: a node "
                    + "started again on this machine may find its monitor port taken by a client's ephemeral port.");
            nodeLoss(cluster, controller, simulation);
            idleLoad(controller);
            simulation.close();
            long heapController = heapAfterGc();
            writeCapacity(database);
            storage(database, heapBaseline, heapController);
            controller.close();
            compacted(database);
        }
        write(loadBefore);
    }

    /**
     * Commands to many gateways at once: how fast they are queued, and the time from send to reply per command; 10
     * gateways (the round trip with little queueing) and every gateway. Then the broker's own rate of acknowledged
     * QoS 1 publications from one session.
     */
    private void fanOut(FleetController controller, Simulation simulation, BrokerSettings broker) throws Exception {
        line("");
        line("## Command fan-out (`status` to N gateways at once, controller to reply)");
        line("");
        line("| round | gateways | queued in (Paho, async) | commands/s queued | all replies in | replies/s | "
                + "p50 send to reply | p99 | max |");
        line("|---|---|---|---|---|---|---|---|---|");
        int round = 0;
        for (int n : new int[] {10, 10, 10, GATEWAYS, GATEWAYS, GATEWAYS}) {
            round++;
            List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
            List<CompletableFuture<JsonObject>> replies = new ArrayList<>();
            long start = System.nanoTime();
            for (SimulatedGateway g : simulation.gateways().subList(0, n)) {
                long sent = System.nanoTime();
                replies.add(controller.commands().send(g.id(), "status", "bench-" + round + "-" + g.id(),
                        new JsonObject(), 60_000).whenComplete((r, e) -> latencies.add(System.nanoTime() - sent)));
            }
            double queued = seconds(start);
            CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).join();
            double all = seconds(start);
            line(String.format("| %d | %d | %.0f ms | %.0f | %.0f ms | %.0f | %s | %s | %s |", round, n, queued * 1000,
                    n / queued, all * 1000, n / all, millis(latencies, 0.5), millis(latencies, 0.99),
                    millis(latencies, 1.0)));
            Thread.sleep(1000);
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        MqttSession publisher = new MqttSession(broker, "bench-publisher", null, timer, (t, m) -> { });
        publisher.start().get(30, TimeUnit.SECONDS);
        for (int r = 1; r <= 2; r++) {
            long start = System.nanoTime();
            List<CompletableFuture<Void>> acks = new ArrayList<>();
            for (int i = 0; i < GATEWAYS; i++) {
                // a gateway nobody simulates: the broker stores and acknowledges it, no one answers
                acks.add(publisher.publishConfirmed("morphgate/v1/nobody-" + i + "/cmd/status",
                        "{\"requestId\":\"ack-" + r + "-" + i + "\"}", false));
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            double s = seconds(start);
            line("");
            line(String.format("Broker acknowledgements (round %d): %d QoS 1 publications from one session, all "
                    + "acknowledged (PUBACK) in %.0f ms: %.0f/s (topics no gateway subscribes to: the broker's side "
                    + "alone).", r,
                    GATEWAYS, s * 1000, GATEWAYS / s));
        }
        publisher.close();
        timer.shutdownNow();
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
        String leader = cluster.metaLeader();
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
        int resentBefore = resent.get();
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
        int again = resent.get() - resentBefore;
        line("");
        line(String.format("Node %s killed (JetStream meta leader before: %s), %d gateways on it.", node, leader,
                onDead.size()));
        line("");
        line(String.format("- Time without service for the gateways on the killed node (kill to connected to another "
                + "node): p50 %s, p99 %s, max %s; %d of %d back within 120 s.", millis(reconnect, 0.5),
                millis(reconnect, 0.99), millis(reconnect, 1.0), back.size(), onDead.size()));
        line(String.format("- Their commands, kill to reply at the controller: p50 %s, p99 %s, max %s; the gateways on "
                + "the other nodes, send to reply: p50 %s, p99 %s.", millis(onDeadReply, 0.5), millis(onDeadReply, 0.99),
                millis(onDeadReply, 1.0), millis(othersReply, 0.5), millis(othersReply, 0.99)));
        line(String.format("- Answered: %d of %d (timeout 60 s). Deliveries at the gateways: %d for %d request ids; %d "
                + "gateways received their command more than once, %d ran it more than once (a repeat is answered from "
                + "the reply store). Of the %d repeats, the controller sent %d again itself (unanswered when the gateway "
                + "came back online, same request id); the rest were the broker's redeliveries of unacknowledged "
                + "messages.", answered, GATEWAYS, received, GATEWAYS, receivedTwice, executedTwice, received - GATEWAYS,
                again));
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

    private void storage(Database database, long heapBaseline, long heapController) throws SQLException {
        Map<String, Long> rows = new TreeMap<>();
        try (Connection c = database.connect(); Statement st = c.createStatement()) {
            for (String table : List.of("gateway", "gateway_group", "rollout", "rollout_step", "desired_state",
                    "reconcile_step")) {
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
                    rs.next();
                    rows.put(table, rs.getLong(1));
                }
            }
            st.execute("CHECKPOINT");
        }
        double heapMb = (heapController - heapBaseline) / 1e6;
        line("");
        line("## Controller memory and database size");
        line("");
        line(String.format("- Heap after GC, controller and its embedded H2 running with %d gateways known (simulator "
                + "closed, same JVM), less the heap after GC before the cluster and controller started: %.1f MB. "
                + "Linear from zero that is %.1f MB per 1,000 gateways (extrapolated; an upper bound: part of it is "
                + "fixed, e.g. H2's page cache, Flyway, Paho).", GATEWAYS, heapMb, heapMb * 1000 / GATEWAYS));
        line(String.format("- Rows: %s.", rows));
        line(String.format("- H2 file `fleet.mv.db` while the controller runs (after a checkpoint): %.2f MB, most of "
                + "it old versions of the inventory rows rewritten by every telemetry message (H2's MVStore appends).",
                runningFileMb = fileMb()));
    }

    /** The file once nothing holds it, then compacted: what the data needs. */
    private void compacted(Database database) throws SQLException {
        double closed = fileMb();
        try (Connection c = database.connect(); Statement st = c.createStatement()) {
            st.execute("SHUTDOWN COMPACT");
        }
        double compact = fileMb();
        line(String.format("- The same file after the controller closed it: %.2f MB; after `SHUTDOWN COMPACT`: %.2f MB. "
                + "Per 1,000 gateways (extrapolated linearly from %d, with one rollout step and one desired state each): "
                + "%.2f MB compacted, %.2f MB as it stood while running.", closed, compact, GATEWAYS,
                compact * 1000 / GATEWAYS, runningFileMb * 1000 / GATEWAYS));
    }

    private static double fileMb() {
        try {
            return Files.size(dir.resolve("db").resolve("fleet.mv.db")) / 1e6;
        } catch (IOException e) {
            return -1;
        }
    }

    private void countFromLogs() {
        Handler counter = new Handler() {
            @Override
            public void publish(LogRecord r) {
                String message = r.getMessage();
                if (message != null && message.contains("SUBACK 128")) {
                    subackRefusals.incrementAndGet();
                }
                Matcher m = message == null ? null : RESENT.matcher(message);
                if (m != null && m.find()) {
                    resent.addAndGet(Integer.parseInt(m.group(1)));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger.getLogger("io.morphgate.fleet.mqtt").addHandler(counter);
        Logger.getLogger(FleetController.class.getName()).addHandler(counter);
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
                + "count; about 3 min; needs `nats-server`).");
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
