package io.morphgate.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonObject;

import io.morphgate.gateway.e2e.Subscriber.Message;

/**
 * The distribution on its defaults, i.e. with its own embedded broker (what the README's run command uses), commanded
 * by Mosquitto's command-line clients as an independent cloud: no broker to install on the gateway. Needs
 * mosquitto-clients (.ci/run installs them; see {@link MosquittoGatewayIT} for the skip rule).
 */
class EmbeddedBrokerGatewayIT {

    private static final String GW = "morphgate/v1/gateway-1/";

    @Test
    void mosquittoClientsCommandAGatewayThroughItsEmbeddedBroker(@TempDir Path dir) throws Exception {
        boolean required = Boolean.getBoolean("morphgate.require.mosquitto")
                || "true".equals(System.getenv("MORPHGATE_REQUIRE_MOSQUITTO"));
        if (!Mosquitto.installed()) {
            assertFalse(required, "mosquitto-clients is not installed");
            assumeTrue(false, "mosquitto-clients not installed");
        }
        int port = InstalledGateway.freePort();
        List<String> connection = List.of("-h", "127.0.0.1", "-p", String.valueOf(port));
        try (InstalledGateway gateway = InstalledGateway.install(dir.resolve("gateway"),
                List.of("morphgate-core", "morphgate-model-fashion-mnist",
                        "morphgate-operator-lowrank", "morphgate-control"), Map.of(),
                List.of("--broker-port", String.valueOf(port), "--gateway-id", "gateway-1"))) {
            gateway.start();
            Subscriber cloud = awaitSubscribed(connection, gateway);
            try {
                cloud.await(m -> m.topic().equals(GW + "state") && m.payload().contains("\"online\""),
                        Duration.ofSeconds(120)).orElseThrow(() -> new AssertionError("not online\n" + gateway.logText()));

                JsonObject status = command(connection, cloud, "status", "{\"requestId\":\"s-1\"}");
                assertEquals("SERVING", status.getAsJsonObject("result").getAsJsonObject("model").get("state")
                        .getAsString(), status.toString());
                // the operator registers its variants a moment after the model serves: pin once it is offered
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                for (int i = 0; !offered(command(connection, cloud, "variants",
                        "{\"requestId\":\"v-" + i + "\"}"), "lowrank-conv2-b0.25"); i++) {
                    assertTrue(System.nanoTime() < deadline, "lowrank-conv2-b0.25 never accepted\n" + gateway.logText());
                    Thread.sleep(500);
                }
                JsonObject pinned = command(connection, cloud, "pin",
                        "{\"requestId\":\"p-1\",\"slot\":\"conv2\",\"variantId\":\"lowrank-conv2-b0.25\"}");
                assertEquals("lowrank-conv2-b0.25", pinned.getAsJsonObject("result").getAsJsonObject("configuration")
                        .getAsJsonObject("variantBySlot").get("conv2").getAsString(), pinned.toString());
                int mark = cloud.mark();
                JsonObject replay = command(connection, cloud, "pin",
                        "{\"requestId\":\"p-1\",\"slot\":\"conv2\",\"variantId\":\"lowrank-conv2-b0.25\"}");
                assertEquals(pinned, replay, "a replayed request id gets the stored reply");
                assertTrue(cloud.since(mark, m -> m.topic().equals(GW + "event/swap")).isEmpty(),
                        "the replay did not swap again");
            } finally {
                cloud.close();
            }
            assertEquals(0, gateway.stop());
        }
    }

    /** Whether a {@code variants} reply lists {@code id} as accepted. */
    private static boolean offered(JsonObject reply, String id) {
        JsonObject result = reply.getAsJsonObject("result");
        return result != null && result.getAsJsonArray("variants").asList().stream().map(v -> v.getAsJsonObject())
                .anyMatch(v -> v.get("id").getAsString().equals(id) && v.get("accepted").getAsBoolean());
    }

    /** The embedded broker starts with the gateway; retry mosquitto_sub until it listens. */
    private static Subscriber awaitSubscribed(List<String> connection, InstalledGateway gateway) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            try {
                return Subscriber.start(connection, GW + "#");
            } catch (IOException e) {
                if (System.nanoTime() > deadline || !gateway.isAlive()) {
                    throw new AssertionError("cannot subscribe to the embedded broker\n" + gateway.logText(), e);
                }
                Thread.sleep(250);
            }
        }
    }

    private static JsonObject command(List<String> connection, Subscriber cloud, String verb, String payload)
            throws Exception {
        String requestId = payload.replaceAll(".*\"requestId\":\"([^\"]+)\".*", "$1");
        int mark = cloud.mark();
        List<String> cmd = new ArrayList<>(List.of("mosquitto_pub"));
        cmd.addAll(connection);
        cmd.addAll(List.of("-q", "1", "-t", GW + "cmd/" + verb, "-m", payload));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "mosquitto_pub failed");
        Message reply = cloud.await(mark, m -> m.topic().equals(GW + "reply/" + requestId), Duration.ofSeconds(60))
                .orElseThrow(() -> new AssertionError("no reply to " + requestId));
        return reply.json();
    }
}
