package io.morphgate.gateway.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * A gateway installed from the distribution ({@code gateway/target/morphgate}, copied to a folder of its own) and run
 * as its own process with {@code bin/morphgate}, as an operator would run it: the end-to-end tests start it, stop it
 * (SIGTERM), kill it (SIGKILL) and start it again on the same data.
 */
public final class InstalledGateway implements AutoCloseable {

    public static final Path DISTRIBUTION = Path.of("target/morphgate");
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    private final Path home;
    private final Path dataDir;
    private final List<String> arguments;
    private Process process;
    private int starts;

    private InstalledGateway(Path home, List<String> arguments) {
        this.home = home;
        this.dataDir = home.resolve("data");
        this.arguments = arguments;
    }

    /**
     * Copies the distribution to {@code home}, lets {@code configure} edit its {@code conf/configuration.json} (the
     * Configuration Admin defaults, by PID) and writes {@code features.list}.
     */
    public static InstalledGateway install(Path home, List<String> features,
            Map<String, Map<String, Object>> configuration, List<String> arguments) throws IOException {
        if (!Files.isDirectory(DISTRIBUTION.resolve("lib"))) {
            throw new IOException(DISTRIBUTION.toAbsolutePath() + " is missing: run the package phase first");
        }
        copyTree(DISTRIBUTION, home);
        Path conf = home.resolve("conf");
        Path json = conf.resolve("configuration.json");
        JsonObject defaults = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        configuration.forEach((pid, properties) -> {
            JsonObject pidJson = defaults.has(pid) ? defaults.getAsJsonObject(pid) : new JsonObject();
            properties.forEach((key, value) -> pidJson.add(key, GSON.toJsonTree(value)));
            defaults.add(pid, pidJson);
        });
        Files.writeString(json, GSON.toJson(defaults));
        Files.write(conf.resolve("features.list"), features);
        Files.createDirectories(conf.resolve("trusted-keys"));
        return new InstalledGateway(home, arguments);
    }

    /** A TCP port free on the loopback interface now. */
    public static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public Path home() {
        return home;
    }

    /** The gateway's data directory (framework property morphgate.data.dir). */
    public Path dataDir() {
        return dataDir;
    }

    public Path trustedKeys() {
        return home.resolve("conf/trusted-keys");
    }

    public Path log() {
        return home.resolve("gateway-" + starts + ".log");
    }

    /** Starts bin/morphgate on the same home and data folder; its output goes to gateway-N.log. */
    public void start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("already running");
        }
        starts++;
        List<String> cmd = new ArrayList<>(List.of("bash", home.resolve("bin/morphgate").toString(),
                "--data-dir", dataDir.toString()));
        cmd.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(log().toFile());
        builder.environment().put("JAVA_OPTS", "-Xmx256m");
        // each test has a copy of the distribution of its own: archiving its classes at the first stop (class data
        // sharing) would only slow that stop down; .ci/run checks the archiving run of bin/morphgate
        builder.environment().put("MORPHGATE_CDS", "off");
        process = builder.start();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGTERM: the gateway stops in order (it says offline itself and disconnects). */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException("the gateway did not stop within 60 s of SIGTERM; see " + log());
        }
        return process.exitValue();
    }

    /** Waits for the gateway to exit by itself (e.g. after {@code --demo}); its exit code. */
    public int awaitExit(long timeoutSeconds) throws InterruptedException {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException("the gateway did not exit within " + timeoutSeconds + " s; see " + log());
        }
        return process.exitValue();
    }

    /** SIGKILL: no shutdown hook, no DISCONNECT, files as they are. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    public String logText() {
        try {
            StringBuilder all = new StringBuilder();
            for (int i = 1; i <= starts; i++) {
                Path log = home.resolve("gateway-" + i + ".log");
                if (Files.exists(log)) {
                    all.append("---- ").append(log.getFileName()).append('\n')
                            .append(Files.readString(log, StandardCharsets.UTF_8));
                }
            }
            return all.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
