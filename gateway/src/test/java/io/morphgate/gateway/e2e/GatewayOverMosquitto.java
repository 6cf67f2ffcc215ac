package io.morphgate.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import io.morphgate.gateway.e2e.Subscriber.Message;

/**
 * What the end-to-end tests share: a real Mosquitto 2 (TLS, passwords, the Morphgate ACL), the distribution installed
 * in a folder of its own and run by bin/morphgate as gateway-1, an HTTP server for jars, the cloud's signing key, and
 * the cloud's side of the protocol through {@code mosquitto_pub} and a {@code mosquitto_sub} that records everything
 * under {@code morphgate/v1/gateway-1/}. The gateway serves a Fashion-MNIST image every 50 ms throughout (the demo
 * client), so "keeps serving" is measured from its telemetry.
 *
 * <p>Needs mosquitto, mosquitto-clients and openssl. .ci/run installs them and exports
 * {@code MORPHGATE_REQUIRE_MOSQUITTO=true} (or {@code -Dmorphgate.require.mosquitto=true}), which turns their absence
 * into a failure instead of a skip.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class GatewayOverMosquitto {

    static final String GW = "morphgate/v1/gateway-1/";
    static final Duration REPLY = Duration.ofSeconds(60);
    static final String FIRE = "io.morphgate.operator.fire";
    static final String LOWRANK = "io.morphgate.operator.lowrank";

    Path dir;
    Mosquitto broker;
    InstalledGateway gateway;
    Subscriber cloud;
    CloudSigner signer;
    JarServer jars;
    byte[] fireJar;
    int requests;

    /** Extra Configuration Admin defaults for the gateway under test, by PID. */
    Map<String, Map<String, Object>> extraConfiguration() {
        return Map.of();
    }

    @BeforeAll
    void start(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        boolean required = Boolean.getBoolean("morphgate.require.mosquitto")
                || "true".equals(System.getenv("MORPHGATE_REQUIRE_MOSQUITTO"));
        if (!Mosquitto.installed()) {
            assertFalse(required, "mosquitto, mosquitto-clients or openssl is not installed");
            assumeTrue(false, "mosquitto not installed");
        }
        broker = Mosquitto.start(Files.createDirectories(dir.resolve("mosquitto")));
        signer = new CloudSigner("ci-cloud");
        jars = new JarServer();
        fireJar = Files.readAllBytes(InstalledGateway.DISTRIBUTION.resolve(
                "repository/io/morphgate/morphgate-operator-fire/0.1.0-SNAPSHOT/morphgate-operator-fire-0.1.0-SNAPSHOT.jar"));
        Map<String, Map<String, Object>> configuration = new TreeMap<>(Map.of(
                "morphgate.control.mqtt", Map.of(
                        "brokerUrl", "ssl://localhost:" + broker.tlsPort(),
                        "gatewayId", "gateway-1",
                        "username", "gateway-1",
                        "passwordFile", broker.passwordFile("gateway-1").toString(),
                        "caCertificateFile", broker.caCertificate().toString(),
                        "telemetryIntervalSeconds:Integer", 1,
                        "keepAliveSeconds:Integer", 5),
                "morphgate.demo", Map.of("intervalMillis:Long", 50)));
        configuration.putAll(extraConfiguration());
        gateway = InstalledGateway.install(dir.resolve("gateway"),
                List.of("morphgate-core", "morphgate-model-fashion-mnist",
                        "morphgate-operator-lowrank", "morphgate-control", "morphgate-demo"),
                configuration,
                List.of("--gateway-id", "gateway-1", "--broker-url", "ssl://localhost:" + broker.tlsPort()));
        signer.trustOn(gateway.trustedKeys());
        cloud = Subscriber.start(broker, "cloud", GW + "#");
        gateway.start();
        awaitOnline(0);
    }

    @AfterAll
    void stop() throws Exception {
        if (cloud != null) {
            cloud.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (jars != null) {
            jars.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    // ---- the cloud's side, through mosquitto_pub / mosquitto_sub

    /** Publishes {@code template} (with %s for a fresh request id) on cmd/verb and waits for its reply. */
    JsonObject command(String verb, String template) throws Exception {
        return raw(verb, template);
    }

    JsonObject raw(String verb, String template) throws Exception {
        String requestId = verb + "-" + (++requests);
        int mark = cloud.mark();
        assertEquals(0, broker.publish("cloud", GW + "cmd/" + verb, String.format(template, requestId)),
                "mosquitto_pub failed");
        Message reply = cloud.await(mark, m -> m.topic().equals(GW + "reply/" + requestId), REPLY)
                .orElseThrow(() -> new AssertionError("no reply to " + verb + " " + requestId + "\n"
                        + gateway.logText()));
        return reply.json();
    }

    /** Sends a deployment command, expects "accepted", returns its final job event. */
    JsonObject job(String verb, String template) throws Exception {
        String requestId = verb + "-" + (++requests);
        int mark = cloud.mark();
        assertEquals(0, broker.publish("cloud", GW + "cmd/" + verb, String.format(template, requestId)));
        Message reply = cloud.await(mark, m -> m.topic().equals(GW + "reply/" + requestId), REPLY).orElseThrow(
                () -> new AssertionError("no reply to " + requestId + "\n" + gateway.logText()));
        if (!"accepted".equals(reply.json().get("status").getAsString())) {
            return reply.json().getAsJsonObject("error"); // refused before it ran: the caller asserts the code
        }
        return finalJobEvent(mark, requestId);
    }

    JsonObject install(JsonObject artifact) throws Exception {
        return job("install", "{\"requestId\":\"%s\",\"artifact\":" + artifact + "}");
    }

    JsonObject finalJobEvent(int mark, String jobId) throws Exception {
        return cloud.await(mark, m -> isFinalJobEvent(m, jobId), REPLY).orElseThrow(
                () -> new AssertionError("no outcome of job " + jobId + "\n" + gateway.logText())).json();
    }

    static boolean isFinalJobEvent(Message m, String jobId) {
        if (!m.topic().equals(GW + "event/job") || !m.isJson()) {
            return false;
        }
        JsonObject event = m.json();
        return jobId.equals(event.get("jobId").getAsString()) && event.get("final").getAsBoolean();
    }

    static JsonObject assertJobFails(String code, JsonObject outcome) {
        // a final job event carries "error": code; a refusal before the job ran is the error object itself
        JsonElement error = outcome.has("stage") ? outcome.get("error") : outcome.get("code");
        assertEquals(code, error == null || error.isJsonNull() ? null : error.getAsString(), outcome.toString());
        if (outcome.has("stage")) {
            assertNotEquals("COMMITTED", outcome.get("stage").getAsString());
        }
        return outcome;
    }

    static void assertError(String code, String field, JsonObject reply) {
        assertEquals("error", reply.get("status").getAsString(), reply.toString());
        JsonObject error = reply.getAsJsonObject("error");
        assertEquals(code, error.get("code").getAsString(), reply.toString());
        if (field != null) {
            assertEquals(field, error.get("field").getAsString(), reply.toString());
        }
    }

    Map<String, String> bundleStates() throws Exception {
        JsonObject reply = command("bundles", "{\"requestId\":\"%s\"}");
        return reply.getAsJsonObject("result").getAsJsonArray("bundles").asList().stream()
                .map(JsonElement::getAsJsonObject)
                .collect(Collectors.toMap(b -> b.get("symbolicName").getAsString(), b -> b.get("state").getAsString(),
                        (a, b) -> a + "," + b, TreeMap::new));
    }

    /** Telemetry since the mark: requests keep being served, none failed, the model stayed SERVING. */
    void assertServingWithoutFailures(int mark) throws Exception {
        int now = cloud.mark();
        Message telemetry = cloud.await(now, m -> m.topic().equals(GW + "telemetry"), Duration.ofSeconds(15))
                .orElseThrow(() -> new AssertionError("no telemetry"));
        JsonObject figures = telemetry.json();
        assertEquals("SERVING", figures.get("state").getAsString(), figures.toString());
        assertTrue(figures.get("requests").getAsLong() > 0, "the demo client's requests are served: " + figures);
        List<Message> all = cloud.since(mark, m -> m.topic().equals(GW + "telemetry"));
        Set<Long> failures = all.stream().map(m -> m.json().get("failures").getAsLong()).collect(Collectors.toSet());
        assertEquals(Set.of(0L), failures, "failed inferences while bad commands arrived: " + all);
    }

    void awaitOnline(int mark) throws Exception {
        cloud.await(mark, m -> m.topic().equals(GW + "state") && m.payload().contains("\"online\""),
                Duration.ofSeconds(120)).orElseThrow(() -> new AssertionError("the gateway did not come online\n"
                        + gateway.logText()));
    }
}
