package io.morphgate.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import io.morphgate.gateway.e2e.Subscriber.Message;

/**
 * A real gateway (the distribution, run by bin/morphgate in its own process) driven through a real Mosquitto 2 with
 * TLS, passwords and the Morphgate ACL, by the broker's own command-line clients: commands published with
 * {@code mosquitto_pub}, replies and events read with {@code mosquitto_sub} (see {@link GatewayOverMosquitto}), and
 * by the console ({@code morphgate-console}, in a JVM of its own) for a local jar it uploads.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MosquittoGatewayIT extends GatewayOverMosquitto {

    @Test
    @Order(1)
    void commandsPublishedWithMosquittoPubAreAnsweredOnTheReplyTopic() throws Exception {
        JsonObject info = command("info", "{\"requestId\":\"%s\"}");
        assertEquals("ok", info.get("status").getAsString(), info.toString());
        assertEquals("gateway-1", info.getAsJsonObject("result").get("gatewayId").getAsString());

        JsonObject status = command("status", "{\"requestId\":\"%s\"}");
        JsonObject model = status.getAsJsonObject("result").getAsJsonObject("model");
        assertEquals("SERVING", model.get("state").getAsString(), status.toString());
        assertEquals("default", model.getAsJsonObject("configuration").get("id").getAsString(),
                "no policy and no pins: the full model serves, the low-rank operator's variants are only offered: "
                        + model);
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
        JsonObject mismatch = assertJobFails("HASH_MISMATCH", install(wrongHash));
        assertFalse(mismatch.toString().contains(CloudSigner.sha256(fireJar)), "the actual SHA-256 was told: " + mismatch);

        // a file the gateway's user can read, but outside its data directory: refused before it is read
        Path outside = Files.write(Files.createDirectories(dir.resolve("outside")).resolve("fire.jar"), fireJar);
        JsonObject notAllowed = assertJobFails("SOURCE_NOT_ALLOWED",
                install(signer.artifact(outside.toUri().toString(), fireJar)));
        assertTrue(notAllowed.get("message").getAsString().contains("allowedFileDirectories"), notAllowed.toString());
        Path link = Files.createSymbolicLink(gateway.dataDir().resolve("fire-link.jar"), outside);
        assertJobFails("SOURCE_NOT_ALLOWED", install(signer.artifact(link.toUri().toString(), fireJar)));
        JsonObject etc = signer.artifact("file:///etc/passwd", fireJar);
        assertJobFails("SOURCE_NOT_ALLOWED", install(etc));

        JsonObject unsigned = signer.artifact(url, fireJar);
        unsigned.remove("signature");
        unsigned.remove("keyId");
        assertJobFails("SIGNATURE_MISSING", install(unsigned));

        JsonObject forged = signer.artifact(url, fireJar);
        forged.addProperty("signature", signer.sign("other bytes".getBytes()));
        assertJobFails("SIGNATURE_INVALID", install(forged));

        byte[] altered = fireJar.clone(); // signed by the cloud, then changed on the way: hash matches, signature not
        altered[altered.length / 2] ^= 0x01;
        JsonObject tampered = signer.artifact(jars.publish("fire-altered.jar", altered), altered);
        tampered.addProperty("signature", signer.sign(fireJar));
        assertJobFails("SIGNATURE_INVALID", install(tampered));

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
    void theConsoleInstallsALocalJarByUploadingItInChunks() throws Exception {
        ConsoleClient console = new ConsoleClient(dir.resolve("console"), broker, "gateway-1");
        console.trustItsKeyOn(gateway.trustedKeys());
        int mark = cloud.mark();
        Path jar = Files.write(dir.resolve("console/fire.jar"), fireJar);
        ConsoleClient.Result installed = console.run("install", jar.toString(), "--sign-with",
                console.key().toString(), "--max-payload-bytes", "4096");
        assertEquals(0, installed.exit(), installed.out());
        assertTrue(installed.out().contains("100%: chunk"), "progress of a jar in several chunks: " + installed.out());
        assertTrue(installed.out().contains("gateway-1 job COMMITTED"), installed.out());
        assertEquals("ACTIVE", bundleStates().get(FIRE));
        List<Message> chunks = cloud.since(mark, m -> m.topic().startsWith(GW + "reply/") && m.isJson()
                && "upload".equals(m.json().get("verb").getAsString()) && "ok".equals(m.json().get("status").getAsString()));
        assertTrue(chunks.size() > 1, "the jar went in several upload chunks: " + chunks.size());

        ConsoleClient.Result removed = console.run("uninstall", FIRE);
        assertEquals(0, removed.exit(), removed.out());
        assertFalse(bundleStates().containsKey(FIRE));
    }

    @Test
    @Order(6)
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
    @Order(7)
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
    @Order(8)
    void anInstallCutOffBySigkillIsRolledBackAndReportedAtTheNextStart() throws Exception {
        String url = jars.publishStalling("fire-slow.jar", fireJar);
        String jobId = "crash-install-" + (++requests);
        int mark = cloud.mark();
        assertEquals(0, broker.publish("cloud", GW + "cmd/install",
                "{\"requestId\":\"" + jobId + "\",\"artifact\":" + signer.artifact(url, fireJar) + "}"));
        Message accepted = cloud.await(mark, m -> m.topic().equals(GW + "reply/" + jobId), REPLY).orElseThrow();
        assertEquals("accepted", accepted.json().get("status").getAsString(), accepted.payload());
        assertTrue(jars.awaitStalled("fire-slow.jar", 60), "the gateway started downloading");

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
}
