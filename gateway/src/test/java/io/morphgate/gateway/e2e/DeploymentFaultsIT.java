package io.morphgate.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import io.morphgate.gateway.e2e.Subscriber.Message;

/**
 * Faults in the middle of deployments, on a real gateway process and a real Mosquitto: a download cut half-way, the
 * broker killed and restarted during an install, the disk full while a jar is written, the gateway killed (SIGKILL)
 * during an update's health check and during a swap. After each: the gateway serves, the bundle set is the old one or
 * the new one, never half, and the interrupted job is reported. Results are recorded in docs/reliability.md.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeploymentFaultsIT extends GatewayOverMosquitto {

    /** A small tmpfs for the deployer's files (root only): the disk-full drill. */
    private Path smallDisk;
    private boolean mounted;

    @Override
    Map<String, Map<String, Object>> extraConfiguration() {
        smallDisk = dir.resolve("small-disk");
        try {
            Files.createDirectories(smallDisk);
            Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", smallDisk.toString())
                    .redirectErrorStream(true).start();
            mount.getInputStream().readAllBytes();
            mounted = mount.waitFor(20, TimeUnit.SECONDS) && mount.exitValue() == 0;
        } catch (Exception e) {
            mounted = false;
        }
        return mounted ? Map.of("morphgate.deployment", Map.of("dataDirectory", smallDisk.toString())) : Map.of();
    }

    @AfterAll
    void unmount() throws Exception {
        if (mounted) {
            new ProcessBuilder("umount", "-l", smallDisk.toString()).start().waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    @Order(1)
    void aDownloadCutHalfWayIsResumedAndCommitted() throws Exception {
        String url = jars.publishDropping("fire-cut.jar", fireJar);
        JsonObject outcome = install(signer.artifact(url, fireJar));
        assertEquals("COMMITTED", outcome.get("stage").getAsString(), outcome.toString());
        assertTrue(jars.ranges().stream().anyMatch(r -> r.startsWith("fire-cut.jar bytes=") && !r.endsWith("=0-")),
                "the gateway asked for the rest with a Range request: " + jars.ranges());
        assertEquals("ACTIVE", bundleStates().get(FIRE));
        assertEquals("COMMITTED", job("uninstall", "{\"requestId\":\"%s\",\"symbolicName\":\"" + FIRE + "\"}")
                .get("stage").getAsString());
    }

    @Test
    @Order(2)
    void theBrokerKilledAndRestartedDuringAnInstallLosesNothing() throws Exception {
        String url = jars.publishStalling("fire-broker.jar", fireJar);
        String jobId = "broker-kill-install-" + (++requests);
        String command = "{\"requestId\":\"" + jobId + "\",\"artifact\":" + signer.artifact(url, fireJar) + "}";
        int mark = cloud.mark();
        assertEquals(0, broker.publish("cloud", GW + "cmd/install", command));
        cloud.await(mark, m -> m.topic().equals(GW + "reply/" + jobId), REPLY).orElseThrow();
        assertTrue(jars.awaitStalled("fire-broker.jar", 60));

        broker.kill();
        cloud.close();
        jars.release("fire-broker.jar"); // the cut download is resumed (Range) while the broker is down
        Thread.sleep(4000);
        broker.restart();
        cloud = Subscriber.start(broker, "cloud", GW + "#");
        awaitOnline(0);

        // the job went on without the broker; its outcome is the stored reply of its request id
        int replay = cloud.mark();
        assertEquals(0, broker.publish("cloud", GW + "cmd/install", command));
        Message stored = cloud.await(replay, m -> m.topic().equals(GW + "reply/" + jobId), REPLY).orElseThrow(
                () -> new AssertionError("no reply to the replay\n" + gateway.logText()));
        assertEquals("ok", stored.json().get("status").getAsString(), stored.payload());
        assertEquals("COMMITTED", stored.json().getAsJsonObject("result").get("stage").getAsString(), stored.payload());
        assertEquals("ACTIVE", bundleStates().get(FIRE));
        assertServingWithoutFailures(replay);
        assertEquals("COMMITTED", job("uninstall", "{\"requestId\":\"%s\",\"symbolicName\":\"" + FIRE + "\"}")
                .get("stage").getAsString());
    }

    @Test
    @Order(3)
    void aFullDiskWhileAJarIsWrittenFailsTheJobCleanly() throws Exception {
        assumeTrue(mounted, "needs root to mount a 1 MiB tmpfs for the deployer's files");
        Map<String, String> before = bundleStates();
        byte[] big = CloudSigner.rebuilt(fireJar, Map.of("Bundle-Version", "0.1.1"), 3 * 1024 * 1024);
        JsonObject outcome = install(signer.artifact(jars.publish("fire-big.jar", big), big));
        assertNotEquals("COMMITTED", outcome.has("stage") ? outcome.get("stage").getAsString() : "refused",
                outcome.toString());
        String text = outcome.toString();
        assertTrue(text.contains("DOWNLOAD_FAILED") || text.contains("No space left"), text);
        assertEquals(before, bundleStates(), "nothing half-installed");
        try (var files = Files.walk(smallDisk.resolve("downloads"))) {
            assertEquals(0, files.filter(Files::isRegularFile).count(), "the partial download was removed");
        }
        // the disk has room again for a jar that fits
        JsonObject small = install(signer.artifact(jars.publish("fire.jar", fireJar), fireJar));
        assertEquals("COMMITTED", small.get("stage").getAsString(), small.toString());
        assertEquals("COMMITTED", job("uninstall", "{\"requestId\":\"%s\",\"symbolicName\":\"" + FIRE + "\"}")
                .get("stage").getAsString());
    }

    @Test
    @Order(4)
    void aGatewayKilledDuringAnUpdatesHealthCheckComesBackWithThePreviousBundle() throws Exception {
        String versionBefore = bundleVersion(LOWRANK);
        byte[] lowrankJar = Files.readAllBytes(InstalledGateway.DISTRIBUTION.resolve(
                "repository/io/morphgate/morphgate-operator-lowrank/0.1.0-SNAPSHOT/morphgate-operator-lowrank-0.1.0-SNAPSHOT.jar"));
        byte[] newer = CloudSigner.rebuilt(lowrankJar, Map.of("Bundle-Version", "0.1.1"), 0);
        String jobId = "kill-update-" + (++requests);
        int mark = cloud.mark();
        assertEquals(0, broker.publish("cloud", GW + "cmd/update", "{\"requestId\":\"" + jobId
                + "\",\"symbolicName\":\"" + LOWRANK + "\",\"artifact\":"
                + signer.artifact(jars.publish("lowrank-0.1.1.jar", newer), newer) + "}"));
        cloud.await(mark, m -> m.topic().equals(GW + "event/job") && m.payload().contains(jobId)
                && m.payload().contains("\"HEALTH_CHECK\""), REPLY).orElseThrow(
                        () -> new AssertionError("the update never reached its health check\n" + gateway.logText()));

        gateway.kill(); // the new jar is installed and started, not yet committed
        int back = cloud.mark();
        gateway.start();
        awaitOnline(back);
        JsonObject outcome = finalJobEvent(back, jobId);
        assertEquals("ROLLED_BACK", outcome.get("stage").getAsString(), outcome.toString());
        assertTrue(outcome.get("recovered").getAsBoolean(), outcome.toString());
        assertEquals(versionBefore, bundleVersion(LOWRANK), "the previous jar is back");
        assertEquals("ACTIVE", bundleStates().get(LOWRANK));
        assertServingWithoutFailures(back);
    }

    @Test
    @Order(5)
    void aGatewayKilledDuringASwapComesBackServing() throws Exception {
        String pinId = "kill-swap-" + (++requests);
        int mark = cloud.mark();
        assertEquals(0, broker.publish("cloud", GW + "cmd/pin",
                "{\"requestId\":\"" + pinId + "\",\"slot\":\"conv1\",\"variantId\":\"lowrank-conv1-b0.5\"}"));
        cloud.await(mark, m -> m.topic().equals(GW + "event/swap") || m.topic().equals(GW + "reply/" + pinId),
                REPLY); // the swap is under way or done
        gateway.kill();
        int back = cloud.mark();
        gateway.start();
        awaitOnline(back);
        // the pin is answered exactly as it ran: before the kill, or (redelivered, since it was not acknowledged)
        // after the restart
        assertTrue(cloud.await(mark, m -> m.topic().equals(GW + "reply/" + pinId)
                && "ok".equals(m.json().get("status").getAsString()), REPLY).isPresent(), "the pin was answered");
        JsonObject status = command("status", "{\"requestId\":\"%s\"}");
        assertEquals("SERVING", status.getAsJsonObject("result").getAsJsonObject("model").get("state").getAsString());
        assertServingWithoutFailures(back);
    }

    private String bundleVersion(String symbolicName) throws Exception {
        JsonObject reply = command("bundles", "{\"requestId\":\"%s\"}");
        return reply.getAsJsonObject("result").getAsJsonArray("bundles").asList().stream()
                .map(JsonElement::getAsJsonObject)
                .filter(b -> symbolicName.equals(b.get("symbolicName").getAsString()))
                .map(b -> b.get("version").getAsString()).findFirst().orElse("absent");
    }

}
