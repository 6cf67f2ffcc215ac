package io.morphgate.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * A real 3-node NATS cluster, started and stopped with cloud/fleet/nats-cluster.sh on free ports. Tests skip when
 * nats-server is not installed, unless MORPHGATE_REQUIRE_NATS=true (then they fail).
 */
final class NatsCluster implements AutoCloseable {

    private final Path dir;
    private final Map<String, String> ports;
    private final int mqttBase;
    private final int monitorBase;

    private NatsCluster(Path dir, Map<String, String> ports) {
        this.dir = dir;
        this.ports = ports;
        this.mqttBase = Integer.parseInt(ports.get("NATS_MQTT_BASE"));
        this.monitorBase = Integer.parseInt(ports.get("NATS_MONITOR_BASE"));
    }

    static final String MISSING = "nats-server is not installed (apt-get install -y nats-server): the cluster tests skip";

    /** The cluster, or null when nats-server is missing (each test then skips with {@link #MISSING}). */
    static NatsCluster start(Path dir) throws IOException, InterruptedException {
        boolean installed = new ProcessBuilder("sh", "-c", "command -v nats-server").start().waitFor() == 0;
        if (!installed) {
            if ("true".equals(System.getenv("MORPHGATE_REQUIRE_NATS"))) {
                throw new AssertionError(MISSING + " - but MORPHGATE_REQUIRE_NATS=true");
            }
            System.err.println("SKIPPED: " + MISSING);
            return null;
        }
        int mqtt = freeRun(3);
        Map<String, String> ports = Map.of("NATS_MQTT_BASE", String.valueOf(mqtt),
                "NATS_CLIENT_BASE", String.valueOf(freeRun(3)), "NATS_CLUSTER_BASE", String.valueOf(freeRun(3)),
                "NATS_MONITOR_BASE", String.valueOf(freeRun(3)));
        NatsCluster cluster = new NatsCluster(dir, ports);
        cluster.script("start");
        return cluster;
    }

    /** tcp://127.0.0.1:port of each node, n1 first. */
    List<String> servers() {
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            urls.add("tcp://127.0.0.1:" + (mqttBase + i));
        }
        return urls;
    }

    /** SIGKILL to one node (n1..n3): no orderly shutdown, as a machine that dies. */
    void kill(String node) throws IOException {
        long pid = Long.parseLong(Files.readString(dir.resolve(node).resolve("nats.pid"), StandardCharsets.UTF_8).trim());
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
    }

    /** The node leading JetStream's metadata (which streams exist, where), as node n1 reports it, or n2 when n1 is down. */
    String metaLeader() throws IOException {
        for (int i = 0; i < 3; i++) {
            try (InputStream in = URI.create("http://127.0.0.1:" + (monitorBase + i) + "/jsz").toURL().openStream()) {
                JsonObject jsz = JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
                if (jsz.has("meta_cluster") && jsz.getAsJsonObject("meta_cluster").has("leader")) {
                    return jsz.getAsJsonObject("meta_cluster").get("leader").getAsString();
                }
            } catch (IOException e) {
                // that node is down: ask the next
            }
        }
        throw new IOException("no node names a JetStream meta leader");
    }

    String status() throws IOException, InterruptedException {
        return script("status");
    }

    String statusQuietly() {
        try {
            return status().replace('\n', ';');
        } catch (IOException | InterruptedException e) {
            return "status: " + e;
        }
    }

    private String script(String... args) throws IOException, InterruptedException {
        String script = System.getenv().getOrDefault("MORPHGATE_FLEET_SCRIPT", "nats-cluster.sh");
        List<String> command = new ArrayList<>(List.of("bash", script, args[0], dir.toString()));
        command.addAll(List.of(args).subList(1, args.length));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(ports);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        assertEquals(0, p.exitValue(), "nats-cluster.sh " + String.join(" ", args) + ": " + out);
        return out;
    }

    /** The first of n consecutive free ports (checked now; good enough on a test machine). */
    private static int freeRun(int n) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int first;
            try (ServerSocket s = new ServerSocket(0)) {
                first = s.getLocalPort();
            }
            if (first + n >= 65535) {
                continue;
            }
            boolean free = true;
            for (int i = 0; i < n && free; i++) {
                try (ServerSocket s = new ServerSocket(first + i)) {
                    s.setReuseAddress(true);
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return first;
            }
        }
        throw new IOException("no run of " + n + " free ports");
    }

    @Override
    public void close() throws IOException, InterruptedException {
        script("stop");
    }
}
