package io.morphgate.gateway.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away Mosquitto 2 configured like production (TLS, a password per client, the Morphgate ACL), started by
 * {@code gateway-config/mosquitto/test-broker.sh}, and the command lines of {@code mosquitto_pub}/{@code mosquitto_sub}
 * for its users: the cloud side of the end-to-end tests is these independent clients, not our own code.
 */
public final class Mosquitto implements AutoCloseable {

    private static final Path SCRIPT = Path.of("../gateway-config/mosquitto/test-broker.sh");

    private final Path dir;
    private final Properties env = new Properties();

    private Mosquitto(Path dir) {
        this.dir = dir;
    }

    /** True when mosquitto, its clients and openssl are installed. */
    public static boolean installed() {
        return onPath("mosquitto") && onPath("mosquitto_pub") && onPath("mosquitto_sub") && onPath("openssl");
    }

    public static Mosquitto start(Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", SCRIPT.toString(), dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("test-broker.sh failed: " + out);
        }
        Mosquitto broker = new Mosquitto(dir);
        try (var in = Files.newBufferedReader(dir.resolve("broker.env"))) {
            broker.env.load(in);
        }
        return broker;
    }

    public int tlsPort() {
        return Integer.parseInt(env.getProperty("MOSQUITTO_TLS_PORT"));
    }

    public Path caCertificate() {
        return Path.of(env.getProperty("MOSQUITTO_CA"));
    }

    public Path passwordFile(String user) {
        return dir.resolve(user + ".password");
    }

    public String password(String user) throws IOException {
        return Files.readString(passwordFile(user)).trim();
    }

    public Path log() {
        return dir.resolve("mosquitto.log");
    }

    /** The connection options of mosquitto_pub/sub over TLS, as {@code user} (null: no credentials). */
    public List<String> connection(String user) throws IOException {
        List<String> args = new ArrayList<>(List.of("-h", "localhost", "-p", String.valueOf(tlsPort()),
                "--cafile", caCertificate().toString()));
        if (user != null) {
            args.addAll(List.of("-u", user, "-P", password(user)));
        }
        return args;
    }

    /**
     * Publishes one message at QoS 1 with mosquitto_pub as {@code user}; the payload is read from a file so that
     * large payloads do not hit the command line's limits. Returns mosquitto_pub's exit code.
     */
    public int publish(String user, String topic, byte[] payload) throws IOException, InterruptedException {
        Path file = Files.createTempFile(dir, "payload", ".bin");
        try {
            Files.write(file, payload);
            List<String> cmd = new ArrayList<>(List.of("mosquitto_pub"));
            cmd.addAll(connection(user));
            cmd.addAll(List.of("-q", "1", "-t", topic, "-f", file.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("mosquitto_pub hung");
            }
            return p.exitValue();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    public int publish(String user, String topic, String payload) throws IOException, InterruptedException {
        return publish(user, topic, payload.getBytes(StandardCharsets.UTF_8));
    }

    /** SIGKILL: the broker dies without saving its state or closing connections in order. */
    public void kill() throws IOException, InterruptedException {
        String pid = Files.readString(dir.resolve("mosquitto.pid")).trim();
        new ProcessBuilder("kill", "-9", pid).start().waitFor(10, TimeUnit.SECONDS);
        for (int i = 0; i < 100 && Files.exists(Path.of("/proc", pid)); i++) {
            Thread.sleep(50);
        }
    }

    /** Starts the broker again with the same configuration, ports, certificates, passwords and data folder. */
    public void restart() throws IOException, InterruptedException {
        Files.deleteIfExists(dir.resolve("mosquitto.pid"));
        Process p = new ProcessBuilder("mosquitto", "-c", dir.resolve("mosquitto.conf").toString(), "-d")
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        p.waitFor(30, TimeUnit.SECONDS);
        for (int i = 0; i < 100; i++) {
            try (java.net.Socket ignored = new java.net.Socket("127.0.0.1", tlsPort())) {
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IOException("mosquitto did not come back; see " + log());
    }

    @Override
    public void close() throws IOException, InterruptedException {
        new ProcessBuilder("bash", SCRIPT.toString(), "--stop", dir.toString()).start().waitFor(10, TimeUnit.SECONDS);
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }
}
