package io.morphgate.gateway.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPInputStream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.morphgate.gateway.e2e.Subscriber.Message;

/**
 * Load drill (benchmark profile): the distribution at its maximum HTTP inference throughput (wrk, 16 connections,
 * a PNG of a Fashion-MNIST test item, for {@code morphgate.load.seconds}, default 180 s) while the cloud sends a
 * command through Mosquitto (TLS) every second: status, pin and unpin of a slot, stop and start of the operator bundle.
 * Reports whether every command was answered and every request answered (200, or 429 refused by the bounded queue),
 * the throughput and latency percentiles, and the command round trips under that load. Writes docs/benchmarks/load.md.
 * Needs wrk, mosquitto, mosquitto-clients, openssl and Debian's dataset-fashion-mnist.
 */
class LoadDrillBenchmark {

    private static final String GW = "morphgate/v1/gateway-1/";
    private static final int SECONDS = Integer.getInteger("morphgate.load.seconds", 180);
    private static final Path LUA = Path.of("../benchmarks/wrk/infer.lua");
    private static final Path TEST_IMAGES = Path.of("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz");

    @Test
    void commandsAreAnsweredAndNoRequestIsLostAtFullLoad(@TempDir Path dir) throws Exception {
        assumeTrue(Mosquitto.installed() && Files.isExecutable(Path.of("/usr/bin/wrk")) && Files.exists(TEST_IMAGES),
                "needs mosquitto, wrk and dataset-fashion-mnist");
        Path png = dir.resolve("item.png");
        Files.write(png, firstTestImageAsPng());
        int httpPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            httpPort = s.getLocalPort();
        }
        Map<String, List<Double>> commandMillis = new LinkedHashMap<>();
        int sent = 0;
        int answered = 0;
        long swaps;
        JsonObject wrk;
        String loadAverage;
        try (Mosquitto broker = Mosquitto.start(Files.createDirectories(dir.resolve("mosquitto")));
                InstalledGateway gateway = InstalledGateway.install(dir.resolve("gateway"),
                        List.of("morphgate-core", "morphgate-model-fashion-mnist",
                        "morphgate-operator-lowrank", "morphgate-control", "morphgate-serving"),
                        Map.of("morphgate.control.mqtt", Map.of(
                                "brokerUrl", "ssl://localhost:" + broker.tlsPort(),
                                "gatewayId", "gateway-1",
                                "username", "gateway-1",
                                "passwordFile", broker.passwordFile("gateway-1").toString(),
                                "caCertificateFile", broker.caCertificate().toString())),
                        List.of("--gateway-id", "gateway-1", "--broker-url", "ssl://localhost:" + broker.tlsPort()))) {
            Path properties = gateway.home().resolve("conf/framework.properties");
            Files.writeString(properties, Files.readString(properties).replace("org.osgi.service.http.port=8080",
                    "org.osgi.service.http.port=" + httpPort));
            try (PahoCloud cloud = new PahoCloud(broker, GW + "#")) {
                gateway.start();
                cloud.await(0, m -> m.topic().equals(GW + "state") && m.payload().contains("\"online\""),
                        Duration.ofSeconds(120));
                Thread.sleep(3000); // derived variants settle
                int swapMark = cloud.mark();
                AtomicBoolean loadRunning = new AtomicBoolean(true);
                ProcessBuilder load = new ProcessBuilder("wrk", "-t2", "-c16", "-d" + SECONDS + "s", "--latency",
                        "-s", LUA.toString(), "http://127.0.0.1:" + httpPort + "/morphgate/v1/infer")
                        .redirectErrorStream(true);
                load.environment().put("MORPHGATE_BODY", png.toString());
                load.environment().put("MORPHGATE_CONTENT_TYPE", "image/png");
                Process wrkProcess = load.start();
                StringBuilder wrkOut = new StringBuilder();
                Thread reader = new Thread(() -> {
                    try (InputStream in = wrkProcess.getInputStream()) {
                        wrkOut.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    } catch (IOException e) {
                        wrkOut.append(e);
                    }
                    loadRunning.set(false);
                });
                reader.start();
                List<String[]> cycle = List.of(
                        new String[] {"status", "{\"requestId\":\"%s\"}"},
                        new String[] {"pin", "{\"requestId\":\"%s\",\"slot\":\"conv2\",\"variantId\":\"lowrank-conv2-b0.25\"}"},
                        new String[] {"unpin", "{\"requestId\":\"%s\",\"slot\":\"conv2\"}"},
                        new String[] {"stop", "{\"requestId\":\"%s\",\"symbolicName\":\"io.morphgate.operator.lowrank\"}"},
                        new String[] {"start", "{\"requestId\":\"%s\",\"symbolicName\":\"io.morphgate.operator.lowrank\"}"});
                Thread.sleep(2000); // wrk at full speed
                while (loadRunning.get()) {
                    String[] command = cycle.get(sent % cycle.size());
                    String id = command[0] + "-" + sent;
                    int mark = cloud.mark();
                    long t0 = cloud.publish(GW + "cmd/" + command[0], String.format(command[1], id));
                    sent++;
                    boolean job = command[0].equals("stop") || command[0].equals("start");
                    try {
                        Message reply = cloud.await(mark, m -> m.topic().equals(GW + "reply/" + id), Duration.ofSeconds(60));
                        Message done = job ? cloud.await(mark, m -> m.topic().equals(GW + "event/job")
                                && m.payload().contains("\"" + id + "\"") && m.payload().contains("\"final\":true"),
                                Duration.ofSeconds(60)) : reply;
                        answered++;
                        commandMillis.computeIfAbsent(command[0] + (job ? " (until the job's outcome)" : ""),
                                k -> new ArrayList<>()).add((done.receivedNanos() - t0) / 1e6);
                    } catch (AssertionError timedOut) {
                        // counted as unanswered
                    }
                    Thread.sleep(1000);
                }
                reader.join();
                wrkProcess.waitFor(30, TimeUnit.SECONDS);
                swaps = cloud.since(swapMark, m -> m.topic().equals(GW + "event/swap")).size();
                String line = wrkOut.toString().lines().filter(l -> l.startsWith("morphgate-wrk ")).findFirst()
                        .orElseThrow(() -> new IllegalStateException("wrk printed no result:\n" + wrkOut));
                wrk = JsonParser.parseString(line.substring("morphgate-wrk ".length())).getAsJsonObject();
                loadAverage = Files.readString(Path.of("/proc/loadavg")).trim();
            }
        }
        write(wrk, sent, answered, swaps, commandMillis, loadAverage);
    }

    private static byte[] firstTestImageAsPng() throws IOException {
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(TEST_IMAGES)))) {
            in.skipNBytes(16); // magic, count, rows, columns
            byte[] pixels = in.readNBytes(28 * 28);
            BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            image.getRaster().setDataElements(0, 0, 28, 28, pixels);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        }
    }

    private static void write(JsonObject wrk, int sent, int answered, long swaps, Map<String, List<Double>> commands,
            String loadAverage) throws IOException {
        StringBuilder md = new StringBuilder("# Load drill: full inference load while commands arrive\n\n");
        md.append("Measured by `gateway/src/test/java/io/morphgate/gateway/e2e/LoadDrillBenchmark.java` on ")
                .append(Instant.now().toString(), 0, 10).append(". The distribution (`bin/morphgate`, features core, ")
                .append("low-rank, control, serving) serves a PNG of the first Fashion-MNIST test item over HTTP to wrk ")
                .append("(2 threads, 16 connections, ").append(SECONDS).append(" s) as fast as it can, while a cloud ")
                .append("client sends one command a second through Mosquitto 2 (TLS, ACL): status, pin, unpin, stop ")
                .append("and start of the low-rank operator bundle, in turn. wrk, Mosquitto and the gateway share the ")
                .append("2 cores. Load average at the end: ").append(loadAverage).append(".\n\n");
        md.append("Rerun: `mvn -B install -DskipTests && mvn -B verify -Pbenchmarks -pl gateway -Dtest=none ")
                .append("-Dsurefire.failIfNoSpecifiedTests=false -Dit.test=LoadDrillBenchmark` (needs `wrk`).\n\n");
        md.append("## Inference (wrk)\n\n| requests | per second | 200 served | 429 refused (queue full) | other status | ")
                .append("socket errors | p50 ms | p90 ms | p99 ms | max ms |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        md.append(String.format(Locale.ROOT, "| %d | %.0f | %d | %d | %d | %d | %.2f | %.2f | %.2f | %.1f |%n",
                wrk.get("requests").getAsLong(), wrk.get("requestsPerSecond").getAsDouble(),
                wrk.get("served").getAsLong(), wrk.get("refused").getAsLong(), wrk.get("otherStatus").getAsLong(),
                wrk.get("socketErrors").getAsLong(), wrk.get("p50Millis").getAsDouble(),
                wrk.get("p90Millis").getAsDouble(), wrk.get("p99Millis").getAsDouble(), wrk.get("maxMillis").getAsDouble()));
        md.append("\nEvery request got an answer: \"lost\" would show as socket errors (connect, read, write, timeout) ")
                .append("or a status other than 200 and 429.\n\n");
        md.append("## Commands under that load\n\n").append(answered).append(" of ").append(sent)
                .append(" commands answered; ").append(swaps).append(" swaps served during the run.\n\n")
                .append("| command | samples | p50 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|\n");
        commands.forEach((what, values) -> {
            double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            md.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f |%n", what, sorted.length,
                    sorted[(int) Math.ceil(0.5 * sorted.length) - 1], sorted[(int) Math.ceil(0.99 * sorted.length) - 1],
                    sorted[sorted.length - 1]));
        });
        Files.writeString(Path.of("../docs/benchmarks/load.md"), md.toString());
        System.out.println(md);
    }
}
