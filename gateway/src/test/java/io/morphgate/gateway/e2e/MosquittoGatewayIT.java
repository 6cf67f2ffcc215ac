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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import io.morphgate.gateway.e2e.Subscriber.Message;

/**
 * A real gateway (the distribution, run by bin/morphgate in its own process) driven through a real Mosquitto 2 with
 * TLS, passwords and the Morphgate ACL, by the broker's own command-line clients: commands published with
 * {@code mosquitto_pub}, replies and events read with {@code mosquitto_sub}. The gateway serves a Fashion-MNIST
 * image every 50 ms throughout (the demo client), so "keeps serving" is measured, not assumed.
 *
 * <p>Needs mosquitto, mosquitto-clients and openssl. .ci/run installs them and exports
 * {@code MORPHGATE_REQUIRE_MOSQUITTO=true} (or {@code -Dmorphgate.require.mosquitto=true}), which turns their absence
 * into a failure instead of a skip.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MosquittoGatewayIT {

    private static final String GW = "morphgate/v1/gateway-1/";
    private static final Duration REPLY = Duration.ofSeconds(60);
    private static final String FIRE = "io.morphgate.operator.fire";
    private static final String LOWRANK = "io.morphgate.operator.lowrank";

    private Path dir;
    private Mosquitto broker;
    private InstalledGateway gateway;
    private Subscriber cloud;
    private CloudSigner signer;
    private JarServer jars;
    private byte[] fireJar;
    private int requests;

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
        gateway = InstalledGateway.install(dir.resolve("gateway"),
                List.of("morphgate-core", "morphgate-operator-lowrank", "morphgate-control", "morphgate-demo"),
                Map.of("morphgate.control.mqtt", Map.of(
                                "brokerUrl", "ssl://localhost:" + broker.tlsPort(),
                                "gatewayId", "gateway-1",
                                "username", "gateway-1",
                                "passwordFile", broker.passwordFile("gateway-1").toString(),
                                "caCertificateFile", broker.caCertificate().toString(),
                                "telemetryIntervalSeconds:Integer", 1,
                                "keepAliveSeconds:Integer", 5),
                        "morphgate.demo", Map.of("intervalMillis:Long", 50)),
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

    @Test
    @Order(1)
    void commandsPublishedWithMosquittoPubAreAnsweredOnTheReplyTopic() throws Exception {
        JsonObject info = command("info", "{\"requestId\":\"%s\"}");
        assertEquals("ok", info.get("status").getAsString(), info.toString());
        assertEquals("gateway-1", info.getAsJsonObject("result").get("gatewayId").getAsString());

        JsonObject status = command("status", "{\"requestId\":\"%s\"}");
        JsonObject model = status.getAsJsonObject("result").getAsJsonObject("model");
        assertEquals("SERVING", model.get("state").getAsString(), status.toString());
        assertTrue(model.getAsJsonObject("configuration").get("id").getAsString().startsWith("c-"),
                "the low-rank operator's variants serve: " + model);
    }

    @Test
    @Order(2)
    void malformedCommandsGetSpecificErrorsAndNothingRuns() throws Exception {
        Map<String, String> bundlesBefore = bundleStates();
        int telemetryMark = cloud.mark();

        assertError("MALFORMED_JSON", null, raw("status", "{\"requestId\":\"%s\", \"oops\""));
        assertError("UNKNOWN_VERB", null, command("frobnicate", "{\"requestId\":\"%s\"}"));
        assertError("INVALID_ARGUMENT", "slot", command("pin", "{\"requestId\":\"%s\",\"slot\":5,\"variantId\":[]}"));
        assertError("INVALID_ARGUMENT", "symbolicName", command("stop", "{\"requestId\":\"%s\",\"symbolicName\":{}}"));
        assertError("INVALID_ARGUMENT", "pins.conv2",
                command("pin", "{\"requestId\":\"%s\",\"pins\":{\"conv2\":\"no-such-variant\"}}"));
        String padding = "x".repeat(300_000);
        assertError("PAYLOAD_TOO_LARGE", null, raw("status", "{\"requestId\":\"%s\",\"pad\":\"" + padding + "\"}"));

        assertEquals(bundlesBefore, bundleStates(), "a refused command changed the bundles");
        assertServingWithoutFailures(telemetryMark);
    }

    @Test
    @Order(3)
    void badDeploymentsAreRefusedWithTheirCodeAndLeaveNothingInstalled() throws Exception {
        Map<String, String> bundlesBefore = bundleStates();
        int telemetryMark = cloud.mark();
        String url = jars.publish("fire.jar", fireJar);

        JsonObject wrongHash = signer.artifact(url, fireJar);
        wrongHash.addProperty("sha256", "0".repeat(64));
        assertJobFails("HASH_MISMATCH", install(wrongHash));

        JsonObject unsigned = signer.artifact(url, fireJar);
        unsigned.remove("signature");
        unsigned.remove("keyId");
        assertJobFails("SIGNATURE_MISSING", install(unsigned));

        JsonObject forged = signer.artifact(url, fireJar);
        forged.addProperty("signature", signer.sign("other bytes".getBytes()));
        assertJobFails("SIGNATURE_INVALID", install(forged));

        JsonObject untrusted = new CloudSigner("someone-else").artifact(url, fireJar);
        assertJobFails("UNTRUSTED_KEY", install(untrusted));

        byte[] plainJar = CloudSigner.jar("Created-By", "not a bundle");
        assertJobFails("NOT_A_BUNDLE", install(signer.artifact(jars.publish("plain.jar", plainJar), plainJar)));

        byte[] unresolvable = CloudSigner.jar("Bundle-ManifestVersion", "2", "Bundle-SymbolicName", "test.unresolvable",
                "Bundle-Version", "1.0.0", "Import-Package", "no.such.package;version=\"[9,10)\"");
        JsonObject failed = assertJobFails("RESOLVE_FAILED",
                install(signer.artifact(jars.publish("unresolvable.jar", unresolvable), unresolvable)));
        assertTrue(failed.get("message").getAsString().contains("no.such.package"), failed.toString());

        byte[] failsToStart = CloudSigner.jar("Bundle-ManifestVersion", "2", "Bundle-SymbolicName", "test.failing",
                "Bundle-Version", "1.0.0", "Bundle-Activator", "test.failing.NoSuchActivator");
        assertJobFails("START_FAILED", install(signer.artifact(jars.publish("failing.jar", failsToStart), failsToStart)));

        assertError("PROTECTED_BUNDLE", null,
                command("stop", "{\"requestId\":\"%s\",\"symbolicName\":\"io.morphgate.onnxruntime\"}"));
        assertError("PROTECTED_BUNDLE", null,
                command("uninstall", "{\"requestId\":\"%s\",\"symbolicName\":\"io.morphgate.backbone\"}"));
        assertError("PROTECTED_BUNDLE", null,
                command("update", "{\"requestId\":\"%s\",\"symbolicName\":\"io.morphgate.control.mqtt\",\"artifact\":"
                        + signer.artifact(url, fireJar) + "}"));
        assertError("NO_SUCH_BUNDLE", null, command("stop", "{\"requestId\":\"%s\",\"symbolicName\":\"no.such.bundle\"}"));

        assertEquals(bundlesBefore, bundleStates(), "a refused deployment left something behind");
        assertServingWithoutFailures(telemetryMark);
    }

    @Test
    @Order(4)
    void aSignedOperatorIsInstalledStoppedStartedAndUninstalledThroughMosquitto() throws Exception {
        int mark = cloud.mark();
        JsonObject committed = job("install", "{\"requestId\":\"%s\",\"artifact\":"
                + signer.artifact(jars.publish("fire.jar", fireJar), fireJar) + "}");
        assertEquals("COMMITTED", committed.get("stage").getAsString(), committed.toString());
        assertEquals("ACTIVE", bundleStates().get(FIRE));
        JsonObject variants = command("variants", "{\"requestId\":\"%s\"}");
        long fireAccepted = variants.getAsJsonObject("result").getAsJsonArray("variants").asList().stream()
                .map(JsonElement::getAsJsonObject)
                .filter(v -> v.get("kind").getAsString().equalsIgnoreCase("fire") && v.get("accepted").getAsBoolean())
                .count();
        assertTrue(fireAccepted > 0, "no fire variant accepted: " + variants);
        assertTrue(cloud.since(mark, m -> m.topic().equals(GW + "event/job")).size() >= 3,
                "progress events were published");

        assertEquals("COMMITTED", job("stop", "{\"requestId\":\"%s\",\"symbolicName\":\"" + FIRE + "\"}")
                .get("stage").getAsString());
        assertEquals("RESOLVED", bundleStates().get(FIRE));
        assertEquals("COMMITTED", job("start", "{\"requestId\":\"%s\",\"symbolicName\":\"" + FIRE + "\"}")
                .get("stage").getAsString());
        assertEquals("COMMITTED", job("uninstall", "{\"requestId\":\"%s\",\"symbolicName\":\"" + FIRE + "\"}")
                .get("stage").getAsString());
        assertFalse(bundleStates().containsKey(FIRE));
    }

    @Test
    @Order(5)
    void clientsWithoutTheRightCredentialsCanNeitherCommandNorRead() throws Exception {
        try (Subscriber intruder = Subscriber.start(broker, "gateway-2", GW + "#")) {
            String forbidden = "intruder-" + (++requests);
            assertEquals(0, broker.publish("gateway-2", GW + "cmd/stop",
                    "{\"requestId\":\"" + forbidden + "\",\"symbolicName\":\"" + LOWRANK + "\"}"),
                    "Mosquitto drops a publication the ACL denies without failing the publisher");
            int anonymous = broker.publish(null, GW + "cmd/stop",
                    "{\"requestId\":\"anonymous-1\",\"symbolicName\":\"" + LOWRANK + "\"}");
            assertNotEquals(0, anonymous, "an anonymous client was accepted");

            JsonObject status = command("status", "{\"requestId\":\"%s\"}"); // the cloud still gets through
            assertEquals("ok", status.get("status").getAsString());
            assertTrue(cloud.await(m -> m.topic().equals(GW + "reply/" + forbidden), Duration.ofSeconds(3)).isEmpty(),
                    "the gateway answered a command of gateway-2");
            assertEquals("ACTIVE", bundleStates().get(LOWRANK), "gateway-2 stopped gateway-1's operator");
            assertTrue(intruder.all().isEmpty(), "gateway-2 read gateway-1's topics: " + intruder.all());
        }
    }

    @Test
    @Order(6)
    void commandsSentWhileTheGatewayIsOfflineRunOnceWhenItReturns() throws Exception {
        int mark = cloud.mark();
        assertEquals(0, gateway.stop(), "orderly stop");
        assertTrue(cloud.await(mark, m -> m.topic().equals(GW + "state") && m.payload().contains("offline"),
                REPLY).isPresent(), "an orderly stop says offline");

        String stopJob = "offline-stop-" + (++requests);
        String status = "offline-status-" + (++requests);
        String stopCommand = "{\"requestId\":\"" + stopJob + "\",\"symbolicName\":\"" + LOWRANK + "\"}";
        assertEquals(0, broker.publish("cloud", GW + "cmd/stop", stopCommand));
        assertEquals(0, broker.publish("cloud", GW + "cmd/status", "{\"requestId\":\"" + status + "\"}"));
        assertEquals(0, broker.publish("cloud", GW + "cmd/stop", stopCommand)); // the cloud retried while offline

        int back = cloud.mark();
        gateway.start();
        awaitOnline(back);
        JsonObject outcome = finalJobEvent(back, stopJob);
        assertEquals("COMMITTED", outcome.get("stage").getAsString(), outcome.toString());
        assertTrue(cloud.await(back, m -> m.topic().equals(GW + "reply/" + status), REPLY).isPresent(),
                "the status command queued while offline was answered");
        Thread.sleep(3000); // time for a second execution to show, if there were one
        assertEquals(1, cloud.since(back, m -> isFinalJobEvent(m, stopJob)).size(),
                "the stop queued twice while offline ran once");
        List<Message> stopReplies = cloud.since(back, m -> m.topic().equals(GW + "reply/" + stopJob));
        // the copy that arrives while the first still runs is not answered separately; a later one gets the stored reply
        assertTrue(!stopReplies.isEmpty() && stopReplies.size() <= 2, "replies: " + stopReplies);
        assertEquals("RESOLVED", bundleStates().get(LOWRANK));

        // replaying an id across the restart returns the stored outcome and runs nothing
        int replay = cloud.mark();
        assertEquals(0, broker.publish("cloud", GW + "cmd/stop", stopCommand));
        Message replayed = cloud.await(replay, m -> m.topic().equals(GW + "reply/" + stopJob), REPLY).orElseThrow();
        assertEquals("ok", replayed.json().get("status").getAsString(), replayed.payload());
        assertEquals("COMMITTED", job("start", "{\"requestId\":\"%s\",\"symbolicName\":\"" + LOWRANK + "\"}")
                .get("stage").getAsString());
    }

    @Test
    @Order(7)
    void anInstallCutOffBySigkillIsRolledBackAndReportedAtTheNextStart() throws Exception {
        String url = jars.publishStalling("fire-slow.jar", fireJar);
        String jobId = "crash-install-" + (++requests);
        int mark = cloud.mark();
        assertEquals(0, broker.publish("cloud", GW + "cmd/install",
                "{\"requestId\":\"" + jobId + "\",\"artifact\":" + signer.artifact(url, fireJar) + "}"));
        Message accepted = cloud.await(mark, m -> m.topic().equals(GW + "reply/" + jobId), REPLY).orElseThrow();
        assertEquals("accepted", accepted.json().get("status").getAsString(), accepted.payload());
        assertTrue(jars.awaitStalled(60), "the gateway started downloading");

        gateway.kill();
        assertTrue(cloud.await(mark, m -> m.topic().equals(GW + "state") && m.payload().contains("offline"),
                REPLY).isPresent(), "the broker published the last will");

        int back = cloud.mark();
        gateway.start();
        awaitOnline(back);
        JsonObject outcome = finalJobEvent(back, jobId);
        assertEquals("ROLLED_BACK", outcome.get("stage").getAsString(), outcome.toString());
        assertTrue(outcome.get("recovered").getAsBoolean(), outcome.toString());
        assertFalse(bundleStates().containsKey(FIRE), "the half-downloaded bundle is not installed");

        int replay = cloud.mark();
        assertEquals(0, broker.publish("cloud", GW + "cmd/install",
                "{\"requestId\":\"" + jobId + "\",\"artifact\":" + signer.artifact(url, fireJar) + "}"));
        Message stored = cloud.await(replay, m -> m.topic().equals(GW + "reply/" + jobId), REPLY).orElseThrow();
        assertEquals("error", stored.json().get("status").getAsString(),
                "a replay after the restart returns the recovered outcome, not 'accepted': " + stored.payload());
        assertFalse(bundleStates().containsKey(FIRE), "the replay did not run the install again");
        JsonObject status = command("status", "{\"requestId\":\"%s\"}");
        assertEquals("SERVING", status.getAsJsonObject("result").getAsJsonObject("model").get("state").getAsString());
    }

    // ---- the cloud's side, through mosquitto_pub / mosquitto_sub

    /** Publishes {@code template} (with %s for a fresh request id) on cmd/verb and waits for its reply. */
    private JsonObject command(String verb, String template) throws Exception {
        return raw(verb, template);
    }

    private JsonObject raw(String verb, String template) throws Exception {
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
    private JsonObject job(String verb, String template) throws Exception {
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

    private JsonObject install(JsonObject artifact) throws Exception {
        return job("install", "{\"requestId\":\"%s\",\"artifact\":" + artifact + "}");
    }

    private JsonObject finalJobEvent(int mark, String jobId) throws Exception {
        return cloud.await(mark, m -> isFinalJobEvent(m, jobId), REPLY).orElseThrow(
                () -> new AssertionError("no outcome of job " + jobId + "\n" + gateway.logText())).json();
    }

    private static boolean isFinalJobEvent(Message m, String jobId) {
        if (!m.topic().equals(GW + "event/job") || !m.isJson()) {
            return false;
        }
        JsonObject event = m.json();
        return jobId.equals(event.get("jobId").getAsString()) && event.get("final").getAsBoolean();
    }

    private static JsonObject assertJobFails(String code, JsonObject outcome) {
        // a final job event carries "error": code; a refusal before the job ran is the error object itself
        JsonElement error = outcome.has("stage") ? outcome.get("error") : outcome.get("code");
        assertEquals(code, error == null || error.isJsonNull() ? null : error.getAsString(), outcome.toString());
        if (outcome.has("stage")) {
            assertNotEquals("COMMITTED", outcome.get("stage").getAsString());
        }
        return outcome;
    }

    private static void assertError(String code, String field, JsonObject reply) {
        assertEquals("error", reply.get("status").getAsString(), reply.toString());
        JsonObject error = reply.getAsJsonObject("error");
        assertEquals(code, error.get("code").getAsString(), reply.toString());
        if (field != null) {
            assertEquals(field, error.get("field").getAsString(), reply.toString());
        }
    }

    private Map<String, String> bundleStates() throws Exception {
        JsonObject reply = command("bundles", "{\"requestId\":\"%s\"}");
        return reply.getAsJsonObject("result").getAsJsonArray("bundles").asList().stream()
                .map(JsonElement::getAsJsonObject)
                .collect(Collectors.toMap(b -> b.get("symbolicName").getAsString(), b -> b.get("state").getAsString(),
                        (a, b) -> a + "," + b, TreeMap::new));
    }

    /** Telemetry since the mark: requests keep being served, none failed, the model stayed SERVING. */
    private void assertServingWithoutFailures(int mark) throws Exception {
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

    private void awaitOnline(int mark) throws Exception {
        cloud.await(mark, m -> m.topic().equals(GW + "state") && m.payload().contains("\"online\""),
                Duration.ofSeconds(120)).orElseThrow(() -> new AssertionError("the gateway did not come online\n"
                        + gateway.logText()));
    }
}
