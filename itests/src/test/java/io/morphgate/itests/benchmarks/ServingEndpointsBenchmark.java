package io.morphgate.itests.benchmarks;

import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.imageio.ImageIO;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.ConfigurationAdmin;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.morphgate.api.evaluation.LabelledImages;
import io.morphgate.api.inference.InferenceService;
import io.morphgate.model.Preprocessing;
import io.morphgate.api.serving.PredictionService;
import io.morphgate.api.serving.QueueStatistics;
import io.morphgate.evaluation.dataset.FashionMnist;
import io.morphgate.itests.HeadlessChromium;
import io.morphgate.itests.TestSupport;

/**
 * Benchmark harness, not a test: throughput and latency of the device endpoints, side by side in one run, written to
 * {@code docs/benchmarks/serving-endpoints.md}, and a screenshot of the status page after the load to
 * {@code docs/status-page.png}. HTTP load comes from wrk (a separate process, Debian package {@code wrk}) with
 * benchmarks/wrk/infer.lua; MQTT load from a Paho client in this JVM through a real broker over TCP; the in-JVM
 * inference service (no decoding, no transport, no queue) is the upper bound. Every request is the PNG of a
 * Fashion-MNIST test item (HTTP, MQTT) or its tensor (in-JVM). Run:
 * {@code mvn -B verify -Pbenchmarks -pl itests -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=ServingEndpointsBenchmark}
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ServingEndpointsBenchmark extends TestSupport {

    private static final String GATEWAY = "bench-gw";
    private static final int SECONDS = Integer.getInteger("morphgate.benchmarks.seconds", 8);
    private static final int WARMUP_SECONDS = 2;
    private static final int ROUNDS = Integer.getInteger("morphgate.benchmarks.rounds", 3);

    @Configuration
    public Option[] configuration() throws Exception {
        int broker = startMosquitto(true);
        int nagleBroker = startMosquitto(false);
        List<String> bundles = new ArrayList<>();
        for (String feature : List.of("morphgate-core", FASHION_MNIST, "morphgate-operator-lowrank", "morphgate-evaluation", "morphgate-serving")) {
            featureBundles(feature).stream().filter(id -> !bundles.contains(id))
                    .filter(id -> available(id) || !id.contains("morphgate-deployment")).forEach(bundles::add);
        }
        List<Option> options = new ArrayList<>(Arrays.asList(gatewayOptions(bundles)));
        options.add(frameworkProperty("morphgate.gateway.id").value(GATEWAY));
        options.add(frameworkProperty("morphgate.broker.url").value("tcp://127.0.0.1:" + broker));
        options.add(frameworkProperty("morphgate.benchmarks.nagle.broker").value("tcp://127.0.0.1:" + nagleBroker));
        options.add(frameworkProperty("org.osgi.service.http.port").value(Integer.toString(freePort())));
        return options.toArray(Option[]::new);
    }

    /** One row of the results. */
    record Row(String path, int concurrency, String batching, double requestsPerSecond, double p50, double p90, double p99,
            long served, long refused, long failed, double meanBatch) {
    }

    @Test
    public void measure() throws Exception {
        InferenceService inference = service(InferenceService.class, 30_000);
        service(PredictionService.class, 30_000);
        ConfigurationAdmin cm = service(ConfigurationAdmin.class, 10_000);
        LabelledImages images = FashionMnist.read(FashionMnist.DEBIAN_DIRECTORY, FashionMnist.Split.TEST, 1);
        byte[] png = png(images.pixels().get(0), images.width());
        float[] tensor = Preprocessing.fromGreyUnit(images.pixels().get(0), images.width(), images.height(),
                inference.model().orElseThrow().input());
        Path body = Files.createTempFile("morphgate-item", ".png");
        Files.write(body, png);
        String url = "http://127.0.0.1:" + context.getProperty("org.osgi.service.http.port") + "/morphgate/v1/infer";

        // interleaved rounds, so that every row sees the same machine noise; each figure is the median over rounds
        String broker = context.getProperty("morphgate.broker.url");
        Map<String, List<Row>> rounds = new LinkedHashMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            List<Row> rows = new ArrayList<>();
            for (int concurrency : new int[] {1, 16}) {
                rows.add(inJvm(inference, tensor, concurrency, 1));
                rows.add(inJvm(inference, tensor, concurrency, 16));
                for (String batching : concurrency == 1 ? List.of(OFF, DYNAMIC) : List.of(OFF, DYNAMIC, NO_WAIT)) {
                    configure(cm, batching);
                    rows.add(http(url, body, concurrency, batching));
                    rows.add(mqtt(MQTT, broker, png, concurrency, batching));
                }
            }
            rows.forEach(r -> rounds.computeIfAbsent(r.path() + "|" + r.concurrency() + "|" + r.batching(),
                    k -> new ArrayList<>()).add(r));
        }
        // once, after the rounds: through Mosquitto without set_tcp_nodelay (its default)
        String extraNote = "";
        Map<String, String> extras = new LinkedHashMap<>();
        extras.put(MQTT_NAGLE, context.getProperty("morphgate.benchmarks.nagle.broker"));
        for (Map.Entry<String, String> extra : extras.entrySet()) {
            try {
                moveInferenceClient(cm, extra.getValue(), png);
                for (int concurrency : new int[] {1, 16}) {
                    Row r = mqtt(extra.getKey(), extra.getValue(), png, concurrency, DYNAMIC);
                    rounds.put(r.path() + "|" + r.concurrency(), List.of(r));
                }
            } catch (Exception e) {
                extraNote += "The rows '" + extra.getKey() + "' could not be measured in this run: " + e + "\n\n";
            }
        }
        configure(cm, DYNAMIC);
        List<Row> rows = rounds.values().stream().map(ServingEndpointsBenchmark::median).toList();
        Path docs = Path.of(System.getProperty("morphgate.benchmarks.out", "../docs/benchmarks"));
        String md = markdown(rows, extraNote);
        Files.createDirectories(docs);
        Files.writeString(docs.resolve("serving-endpoints.md"), md, StandardCharsets.UTF_8);
        System.out.println(md);
        screenshot(docs.getParent().resolve("status-page.png"), url.replace("/morphgate/v1/infer", "/morphgate/status/index.html"));
    }

    private Row inJvm(InferenceService inference, float[] tensor, int concurrency, int batch) throws Exception {
        List<float[]> inputs = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            inputs.add(tensor);
        }
        Latencies latencies = closedLoop(concurrency, () -> {
            inference.inferBatch(inputs);
            return true;
        });
        double rps = latencies.count() * batch / (double) SECONDS;
        return new Row("in-JVM InferenceService" + (batch > 1 ? ", batches of " + batch + " (latency per batch)" : ""),
                concurrency, batch > 1 ? "caller batches" : "none", rps, latencies.percentile(50), latencies.percentile(90),
                latencies.percentile(99), latencies.count() * batch, 0, 0, batch);
    }

    private Row http(String url, Path body, int concurrency, String batching) throws Exception {
        QueueStatistics before = service(PredictionService.class, 1000).statistics();
        run(List.of("wrk", "-t1", "-c" + concurrency, "-d" + WARMUP_SECONDS + "s", "-s", lua().toString(), url), body);
        QueueStatistics start = service(PredictionService.class, 1000).statistics();
        String out = run(List.of("wrk", "-t" + Math.min(2, concurrency), "-c" + concurrency, "-d" + SECONDS + "s", "--latency",
                "-s", lua().toString(), url), body);
        QueueStatistics end = service(PredictionService.class, 1000).statistics();
        String line = out.lines().filter(l -> l.startsWith("morphgate-wrk ")).findFirst()
                .orElseThrow(() -> new IllegalStateException("wrk printed no result line:\n" + out));
        JsonObject r = JsonParser.parseString(line.substring("morphgate-wrk ".length())).getAsJsonObject();
        long failed = r.get("otherStatus").getAsLong() + r.get("socketErrors").getAsLong();
        return new Row("HTTP PNG (wrk)", concurrency, batching, r.get("served").getAsLong() / r.get("seconds").getAsDouble(),
                r.get("p50Millis").getAsDouble(), r.get("p90Millis").getAsDouble(), r.get("p99Millis").getAsDouble(),
                r.get("served").getAsLong(), r.get("refused").getAsLong(), failed, meanBatch(start, end)) ;
    }

    private static final String MQTT = "MQTT PNG (Paho, QoS 1)";
    private static final String MQTT_NAGLE = "MQTT PNG (Paho, QoS 1), via Mosquitto without set_tcp_nodelay";

    private Row mqtt(String path, String brokerUrl, byte[] png, int concurrency, String batching) throws Exception {
        String ns = "morphgate/v1/" + GATEWAY + "/";
        MqttAsyncClient device = new MqttAsyncClient(brokerUrl, "bench-" + UUID.randomUUID(), new MemoryPersistence());
        Map<String, Long> sent = new ConcurrentHashMap<>();
        Latencies latencies = new Latencies();
        AtomicLong refused = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        Semaphore window = new Semaphore(concurrency);
        boolean[] measuring = {false};
        device.setCallback(new MqttCallback() {
            @Override
            public void messageArrived(String topic, MqttMessage message) {
                Long start = sent.remove(topic.substring(topic.lastIndexOf('/') + 1));
                if (start == null) {
                    return;
                }
                String reply = new String(message.getPayload(), StandardCharsets.UTF_8);
                if (measuring[0]) {
                    if (reply.contains("\"OVERLOADED\"")) {
                        refused.incrementAndGet();
                    } else if (reply.contains("\"error\"")) {
                        failed.incrementAndGet();
                    } else {
                        latencies.add(System.nanoTime() - start);
                    }
                }
                window.release();
            }

            @Override
            public void connectionLost(Throwable cause) {
                failed.incrementAndGet();
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // QoS 1 acknowledgement
            }
        });
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMaxInflight(1000);
        options.setSocketFactory(new NoDelaySockets()); // as the gateway's client: no Nagle delay on small messages
        connectWithRetry(device, options);
        device.subscribe(ns + "infer/reply/+", 1).waitForCompletion(10_000);
        QueueStatistics start = null;
        try {
            long id = 0;
            long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(WARMUP_SECONDS);
            long end = warmupEnd + TimeUnit.SECONDS.toNanos(SECONDS);
            while (System.nanoTime() < end) {
                if (!measuring[0] && System.nanoTime() >= warmupEnd) {
                    window.acquire(concurrency); // let the warm-up requests finish
                    window.release(concurrency);
                    start = service(PredictionService.class, 1000).statistics();
                    measuring[0] = true;
                }
                if (!window.tryAcquire(5, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("MQTT replies stopped coming");
                }
                String requestId = "r" + id++;
                sent.put(requestId, System.nanoTime());
                device.publish(ns + "infer/request/png/" + requestId, png, 1, false);
            }
            window.acquire(concurrency);
        } finally {
            device.disconnect().waitForCompletion(10_000);
            device.close();
        }
        QueueStatistics stop = service(PredictionService.class, 1000).statistics();
        return new Row(path, concurrency, batching, latencies.count() / (double) SECONDS,
                latencies.percentile(50), latencies.percentile(90), latencies.percentile(99), latencies.count(), refused.get(),
                failed.get(), meanBatch(start, stop));
    }

    /** Points the gateway's inference client at another broker and waits until it answers there. */
    private void moveInferenceClient(ConfigurationAdmin cm, String brokerUrl, byte[] png) throws Exception {
        Hashtable<String, Object> config = new Hashtable<>();
        config.put("brokerUrl", brokerUrl);
        cm.getConfiguration("morphgate.inference.mqtt", "?").update(config);
        String ns = "morphgate/v1/" + GATEWAY + "/";
        MqttAsyncClient device = new MqttAsyncClient(brokerUrl, "bench-probe-" + UUID.randomUUID(), new MemoryPersistence());
        Semaphore answered = new Semaphore(0);
        device.setCallback(new MqttCallback() {
            @Override
            public void messageArrived(String topic, MqttMessage message) {
                answered.release();
            }

            @Override
            public void connectionLost(Throwable cause) {
                // the wait below fails
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // QoS 1 acknowledgement
            }
        });
        connectWithRetry(device, new MqttConnectOptions());
        device.subscribe(ns + "infer/reply/+", 1).waitForCompletion(10_000);
        try {
            for (int attempt = 0; !answered.tryAcquire(1, TimeUnit.SECONDS); attempt++) {
                if (attempt == 30) {
                    throw new IllegalStateException("the inference client did not answer on " + brokerUrl);
                }
                device.publish(ns + "infer/request/png/move-" + attempt, png, 1, false);
            }
        } finally {
            device.disconnect().waitForCompletion(10_000);
            device.close();
        }
    }

    /** A fresh connection can time out on a loaded machine: retry a few times. */
    private static void connectWithRetry(MqttAsyncClient client, MqttConnectOptions options) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                client.connect(options).waitForCompletion(10_000);
                return;
            } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
                if (attempt == 5) {
                    throw e;
                }
                Thread.sleep(1_000);
            }
        }
    }

    private static final String OFF = "off";
    private static final String DYNAMIC = "dynamic";
    private static final String NO_WAIT = "dynamic, no added delay";

    private void configure(ConfigurationAdmin cm, String batching) throws Exception {
        Hashtable<String, Object> config = new Hashtable<>();
        int maxBatch = batching.equals(OFF) ? 1 : 16;
        long delay = batching.equals(DYNAMIC) ? 2000L : 0L;
        config.put("maxBatchSize", maxBatch);
        config.put("maxBatchDelayMicros", delay);
        config.put("queueCapacity", 256);
        config.put("workers", 2);
        cm.getConfiguration("morphgate.serving", "?").update(config);
        await("batching " + batching, 10_000, () -> {
            QueueStatistics s = service(PredictionService.class, 1000).statistics();
            return s.maxBatchSize() == maxBatch && s.maxDelayMicros() == delay;
        });
    }

    private static Row median(List<Row> rounds) {
        Row first = rounds.get(0);
        return new Row(first.path(), first.concurrency(), first.batching(), median(rounds, Row::requestsPerSecond),
                median(rounds, Row::p50), median(rounds, Row::p90), median(rounds, Row::p99),
                (long) median(rounds, r -> r.served()), (long) median(rounds, r -> r.refused()),
                (long) median(rounds, r -> r.failed()), median(rounds, Row::meanBatch));
    }

    private static double median(List<Row> rounds, java.util.function.ToDoubleFunction<Row> figure) {
        double[] values = rounds.stream().mapToDouble(figure).sorted().toArray();
        return values.length % 2 == 1 ? values[values.length / 2]
                : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
    }

    private static double meanBatch(QueueStatistics start, QueueStatistics end) {
        long batches = end.batches() - start.batches();
        return batches == 0 ? 0 : (double) (end.batchedRequests() - start.batchedRequests()) / batches;
    }

    private void screenshot(Path file, String page) throws Exception {
        try (HeadlessChromium chromium = new HeadlessChromium(1280, 1500)) {
            chromium.navigate(page);
            Thread.sleep(5_000); // two polls: tables and chart drawn
            Files.write(file, chromium.screenshotPng());
        }
    }

    private interface Call {
        boolean run() throws Exception;
    }

    /** {@code concurrency} threads calling back to back; warm-up first, then {@link #SECONDS} measured. */
    private static Latencies closedLoop(int concurrency, Call call) throws Exception {
        Latencies latencies = new Latencies();
        ExecutorService threads = Executors.newFixedThreadPool(concurrency);
        long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(WARMUP_SECONDS);
        long end = warmupEnd + TimeUnit.SECONDS.toNanos(SECONDS);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < concurrency; t++) {
                workers.add(threads.submit(() -> {
                    while (System.nanoTime() < end) {
                        long start = System.nanoTime();
                        call.run();
                        if (start >= warmupEnd) {
                            latencies.add(System.nanoTime() - start);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) {
                w.get();
            }
        } finally {
            threads.shutdownNow();
        }
        return latencies;
    }

    /** Latencies in nanoseconds; percentiles in milliseconds. */
    private static final class Latencies {
        private final List<Long> values = new ArrayList<>();

        synchronized void add(long nanos) {
            values.add(nanos);
        }

        synchronized long count() {
            return values.size();
        }

        synchronized double percentile(double p) {
            if (values.isEmpty()) {
                return Double.NaN;
            }
            long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
            int index = (int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1);
            return sorted[Math.max(0, index)] / 1e6;
        }
    }

    private static String run(List<String> command, Path body) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("MORPHGATE_BODY", body.toString());
        builder.environment().put("MORPHGATE_CONTENT_TYPE", "image/png");
        Process process;
        try {
            process = builder.start();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot run wrk (apt-get install -y wrk): " + e.getMessage(), e);
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
        }
        return out;
    }

    private static Path lua() {
        return Path.of(System.getProperty("morphgate.benchmarks.out", "../docs/benchmarks")).resolve("../../benchmarks/wrk/infer.lua")
                .normalize().toAbsolutePath();
    }

    private static byte[] png(float[] pixels, int width) throws Exception {
        BufferedImage image = new BufferedImage(width, pixels.length / width, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < pixels.length; i++) {
            image.getRaster().setSample(i % width, i / width, 0, Math.round(pixels[i] * 255));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static String markdown(List<Row> rows, String note) {
        StringBuilder md = new StringBuilder("# Serving endpoints benchmark\n\n");
        md.append(String.format(Locale.ROOT, "Measured %s on %d cores, %s %s, max heap %d MB, one run of %d s per row after "
                + "%d s of warm-up. The load generators (wrk, the MQTT client) share the machine with the gateway, and the "
                + "machine is shared with other builds: compare rows of this run with each other, not with other runs.%n%n",
                LocalDate.now(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), Runtime.getRuntime().maxMemory() / (1024 * 1024), SECONDS, WARMUP_SECONDS, ROUNDS));
        md.append("Every HTTP and MQTT request is the PNG of Fashion-MNIST test item 0 (decoded, converted and normalised by "
                + "the gateway); the in-JVM rows call InferenceService with the tensor directly (no decoding, transport or "
                + "queue): the upper bound. Concurrency = requests in flight (wrk connections; MQTT requests outstanding; "
                + "in-JVM calling threads). Dynamic batching: at most 16 per batch, at most 2000 us added delay, 2 "
                + "workers; dynamic, no added delay: the same without waiting (batches gather only while a batch runs); off: batches of 1, 2 workers. Latency is per request from the client's side (for in-JVM "
                + "batches: per batch call).\n\n");
        md.append("The MQTT rows go through Mosquitto 2 (Debian's `mosquitto`, a separate process on loopback) with "
                + "`set_tcp_nodelay true`; the last rows (one round only, batching on) through Mosquitto on its default "
                + "`set_tcp_nodelay false`. Each MQTT request "
                + "crosses the broker twice (request, reply); both the gateway's client and the load client turn Nagle's "
                + "algorithm off (TCP_NODELAY), as Paho does not. Rows at concurrency 1 never batch (mean batch 1): their "
                + "differences between batching on and off are noise of this shared machine.\n\n");
        md.append(note);
        md.append("| path | concurrency | batching | requests/s | p50 ms | p90 ms | p99 ms | served | refused (429) | failed | mean batch |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %s | %.0f | %.2f | %.2f | %.2f | %d | %d | %d | %.2f |%n", r.path(),
                    r.concurrency(), r.batching(), r.requestsPerSecond(), r.p50(), r.p90(), r.p99(), r.served(), r.refused(),
                    r.failed(), r.meanBatch()));
        }
        md.append("\nRatios (same concurrency): endpoint throughput / in-JVM batch-1 throughput, and batching / off.\n\n");
        md.append("| path | concurrency | batching | off / in-JVM | batching / in-JVM | batching / off |\n|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            if (r.batching().equals(OFF) || r.path().startsWith("in-JVM")) {
                continue;
            }
            Row off = rows.stream().filter(o -> o.path().equals(r.path()) && o.concurrency() == r.concurrency()
                    && o.batching().equals("off")).findFirst().orElse(null);
            if (off == null) {
                continue; // measured with batching only
            }
            Row jvm = rows.stream().filter(o -> o.path().equals("in-JVM InferenceService") && o.concurrency() == r.concurrency())
                    .findFirst().orElseThrow();
            md.append(String.format(Locale.ROOT, "| %s | %d | %s | %.2f | %.2f | %.2f |%n", r.path(), r.concurrency(), r.batching(),
                    off.requestsPerSecond() / jvm.requestsPerSecond(), r.requestsPerSecond() / jvm.requestsPerSecond(),
                    r.requestsPerSecond() / off.requestsPerSecond()));
        }
        return md.toString();
    }

    private static int freePort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Mosquitto 2 on a free loopback port, anonymous, for the time of the run (driver side); Nagle off or on. */
    private static int startMosquitto(boolean noDelay) throws Exception {
        int port = freePort();
        Path dir = Files.createTempDirectory("morphgate-bench-mosquitto");
        Path conf = dir.resolve("mosquitto.conf");
        Files.writeString(conf, "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence false\n"
                + "max_queued_messages 100000\nmax_inflight_messages 0\nset_tcp_nodelay " + noDelay + "\nlog_dest file " + dir.resolve("mosquitto.log") + "\n");
        Process mosquitto;
        try {
            mosquitto = new ProcessBuilder("mosquitto", "-c", conf.toString()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("mosquitto.out").toFile()).start();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot run mosquitto (apt-get install -y mosquitto): " + e.getMessage(), e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(mosquitto::destroy));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (java.net.Socket probe = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
                return port;
            } catch (java.io.IOException notYet) {
                if (System.nanoTime() > deadline || !mosquitto.isAlive()) {
                    throw new IllegalStateException("mosquitto did not start: " + Files.readString(dir.resolve("mosquitto.out")));
                }
                Thread.sleep(100);
            }
        }
    }

    /** Paho's plain sockets with TCP_NODELAY, as the gateway's inference client opens them. */
    private static final class NoDelaySockets extends javax.net.SocketFactory {
        private final javax.net.SocketFactory plain = javax.net.SocketFactory.getDefault();

        @Override
        public java.net.Socket createSocket() throws java.io.IOException {
            java.net.Socket socket = plain.createSocket();
            socket.setTcpNoDelay(true);
            return socket;
        }

        @Override
        public java.net.Socket createSocket(String host, int port) throws java.io.IOException {
            throw new UnsupportedOperationException("Paho creates unconnected sockets");
        }

        @Override
        public java.net.Socket createSocket(String host, int port, java.net.InetAddress local, int localPort) {
            throw new UnsupportedOperationException("Paho creates unconnected sockets");
        }

        @Override
        public java.net.Socket createSocket(java.net.InetAddress host, int port) {
            throw new UnsupportedOperationException("Paho creates unconnected sockets");
        }

        @Override
        public java.net.Socket createSocket(java.net.InetAddress host, int port, java.net.InetAddress local, int localPort) {
            throw new UnsupportedOperationException("Paho creates unconnected sockets");
        }
    }
}
