package io.morphgate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gateway-config/mosquitto against a real Mosquitto 2 (test-broker.sh), checked with mosquitto_pub/mosquitto_sub
 * over TLS: the ACL confines each gateway to its own topics, anonymous clients and clients that do not trust the
 * broker's CA get nowhere. Skipped where mosquitto is not installed (.ci/run installs it).
 */
class MosquittoBrokerTest {

    private static final Path SCRIPT = Path.of("../gateway-config/mosquitto/test-broker.sh");
    private static final String CMD = "morphgate/v1/gateway-1/cmd/status";

    @TempDir
    Path dir;
    private Properties env;

    @BeforeEach
    void startMosquitto() throws Exception {
        assumeTrue(onPath("mosquitto") && onPath("mosquitto_pub") && onPath("openssl"), "mosquitto not installed");
        Process p = new ProcessBuilder("bash", SCRIPT.toString(), dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "test-broker.sh failed: " + out);
        env = new Properties();
        try (var in = Files.newBufferedReader(dir.resolve("broker.env"))) {
            env.load(in);
        }
    }

    @AfterEach
    void stopMosquitto() throws Exception {
        if (env != null) {
            new ProcessBuilder("bash", SCRIPT.toString(), "--stop", dir.toString()).start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void eachGatewaySeesOnlyItsOwnTopics() throws Exception {
        Process gateway1 = subscribe("gateway-1", "morphgate/v1/gateway-1/cmd/#", 8, 1);
        Process gateway2 = subscribe("gateway-2", "morphgate/v1/gateway-1/cmd/#", 5, 1);
        Process cloud = subscribe("cloud", "morphgate/v1/gateway-1/#", 5, 0);
        Thread.sleep(1000); // the subscriptions are in place

        assertEquals(0, publish("cloud", CMD, "{\"requestId\":\"r-1\"}", tls()));
        assertEquals(0, publish("gateway-2", "morphgate/v1/gateway-1/reply/r-1", "forged", tls()));
        assertEquals(0, publish("gateway-2", "morphgate/v1/gateway-1/state", "forged", tls()));
        assertEquals(0, publish("gateway-1", "morphgate/v1/gateway-1/reply/r-1", "genuine", tls()));

        String seenByGateway1 = output(gateway1);
        String seenByGateway2 = output(gateway2);
        String seenByCloud = output(cloud);
        assertTrue(seenByGateway1.contains(CMD + " {\"requestId\":\"r-1\"}"), "gateway-1 got: " + seenByGateway1);
        assertFalse(seenByGateway2.contains("morphgate/v1/"), "gateway-2 read gateway-1's commands: " + seenByGateway2);
        assertTrue(seenByCloud.contains("morphgate/v1/gateway-1/reply/r-1 genuine"), "cloud got: " + seenByCloud);
        assertFalse(seenByCloud.contains("forged"), "gateway-2 wrote to gateway-1's topics: " + seenByCloud);
    }

    @Test
    void aClientWithoutCredentialsIsRefused() throws Exception {
        List<String> noUser = tls();
        int code = run(command("mosquitto_pub", null, CMD, noUser, "-m", "anonymous", "-q", "1"));
        assertNotEquals(0, code, "an anonymous client was accepted");
    }

    @Test
    void aClientThatDoesNotTrustTheCaFailsTls() throws Exception {
        List<String> systemCas = List.of("-h", "localhost", "-p", env.getProperty("MOSQUITTO_TLS_PORT"),
                "--capath", "/etc/ssl/certs");
        assertNotEquals(0, publish("cloud", CMD, "{}", systemCas), "TLS accepted a certificate of an unknown CA");
    }

    private List<String> tls() {
        return List.of("-h", "localhost", "-p", env.getProperty("MOSQUITTO_TLS_PORT"),
                "--cafile", env.getProperty("MOSQUITTO_CA"));
    }

    private Process subscribe(String user, String topic, int waitSeconds, int count) throws IOException {
        List<String> args = new ArrayList<>(List.of("-v", "-W", String.valueOf(waitSeconds)));
        if (count > 0) {
            args.addAll(List.of("-C", String.valueOf(count)));
        }
        return new ProcessBuilder(command("mosquitto_sub", user, topic, tls(), args.toArray(String[]::new)))
                .redirectErrorStream(true).start();
    }

    private int publish(String user, String topic, String message, List<String> connection) throws Exception {
        return run(command("mosquitto_pub", user, topic, connection, "-m", message, "-q", "1"));
    }

    private List<String> command(String tool, String user, String topic, List<String> connection, String... extra)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(tool));
        cmd.addAll(connection);
        if (user != null) {
            cmd.addAll(List.of("-u", user, "-P", Files.readString(dir.resolve(user + ".password")).trim()));
        }
        cmd.addAll(List.of("-t", topic));
        cmd.addAll(List.of(extra));
        return cmd;
    }

    private static int run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "hung: " + cmd.get(0));
        return p.exitValue();
    }

    private static String output(Process p) throws Exception {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(15, TimeUnit.SECONDS);
        return out;
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }
}
