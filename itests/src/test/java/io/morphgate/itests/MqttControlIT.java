package io.morphgate.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Predicate;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.After;
import org.junit.Before;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.CoreOptions;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.service.cm.ConfigurationAdmin;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.morphgate.api.model.ModelControl;
import io.morphgate.api.model.ModelStatus;

/**
 * The control link against a real broker over TCP: HiveMQ CE (the broker the launcher embeds) in the test driver,
 * outside OSGi, the gateway connected through a relay that the test can cut, and a Paho client in the test playing
 * the cloud.
 */
@RunWith(PaxExam.class)
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
@ExamReactorStrategy(PerClass.class)
public class MqttControlIT extends TestSupport {

    private static final String GATEWAY = "itest-gw";
    private static final String NS = "morphgate/v1/" + GATEWAY + "/";

    private MqttClient cloud;
    private final List<String[]> received = new CopyOnWriteArrayList<>();

    @Configuration
    public Option[] configuration() {
        int[] ports = MqttTestBroker.start();
        List<String> bundles = new ArrayList<>();
        for (String feature : List.of("morphgate-core", FASHION_MNIST, "morphgate-operator-lowrank", "morphgate-control")) {
            for (String id : featureBundles(feature)) {
                // the deployer is being written alongside: provision it when it has been built
                if (!id.startsWith("io.morphgate:morphgate-control-mqtt:") && !bundles.contains(id)
                        && (available(id) || !id.contains("morphgate-deployment"))) {
                    bundles.add(id);
                }
            }
        }
        String control = featureBundles("morphgate-control").stream()
                .filter(id -> id.startsWith("io.morphgate:morphgate-control-mqtt:")).findFirst().orElseThrow();
        List<Option> options = new ArrayList<>(Arrays.asList(gatewayOptions(bundles)));
        // installed, not started: the test points it at the relay first (its default is tcp://127.0.0.1:1883)
        options.add(CoreOptions.bundle(TestBundles.require(control).toUri().toString()).start(false));
        Path data = Path.of(System.getProperty("morphgate.itests.target", "target"), "mqtt-data", UUID.randomUUID().toString());
        options.add(frameworkProperty("morphgate.data.dir").value(data.toString()));
        options.add(frameworkProperty("morphgate.gateway.id").value(GATEWAY));
        options.add(frameworkProperty("morphgate.itests.mqtt.broker").value("tcp://127.0.0.1:" + ports[0]));
        options.add(frameworkProperty("morphgate.itests.mqtt.relay").value("tcp://127.0.0.1:" + ports[1]));
        return options.toArray(Option[]::new);
    }

    @Before
    public void connectGatewayAndCloud() throws Exception {
        Bundle control = bundle("io.morphgate.control.mqtt");
        if (control.getState() != Bundle.ACTIVE) {
            ConfigurationAdmin cm = service(ConfigurationAdmin.class, 10_000);
            Hashtable<String, Object> config = new Hashtable<>();
            config.put("brokerUrl", context.getProperty("morphgate.itests.mqtt.relay"));
            config.put("telemetryIntervalSeconds", 1);
            cm.getConfiguration("morphgate.control.mqtt", "?").update(config);
            control.start();
        }
        cloud = new MqttClient(context.getProperty("morphgate.itests.mqtt.broker"), "cloud-" + UUID.randomUUID(),
                new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        cloud.connect(options);
        cloud.subscribe(NS + "#", 1, (topic, message) -> received.add(
                new String[] {topic, new String(message.getPayload(), StandardCharsets.UTF_8), Boolean.toString(message.isRetained())}));
        await("the gateway to say it is online", 20_000, () -> received.stream()
                .anyMatch(m -> m[0].equals(NS + "state") && m[1].contains("\"online\"")));
    }

    @After
    public void disconnectCloud() throws Exception {
        if (cloud != null && cloud.isConnected()) {
            cloud.disconnect();
        }
        if (cloud != null) {
            cloud.close();
        }
    }

    @Test
    public void stateIsRetainedOnlineAndTelemetryFlows() throws Exception {
        // a subscriber that comes after the gateway connected gets the state from the broker: retained
        MqttClient late = new MqttClient(context.getProperty("morphgate.itests.mqtt.broker"), "late-" + UUID.randomUUID(),
                new MemoryPersistence());
        List<String[]> states = new CopyOnWriteArrayList<>();
        late.connect();
        try {
            late.subscribe(NS + "state", 1, (topic, message) -> states.add(new String[] {
                    new String(message.getPayload(), StandardCharsets.UTF_8), Boolean.toString(message.isRetained())}));
            await("the retained state", 10_000, () -> !states.isEmpty());
        } finally {
            late.disconnect();
            late.close();
        }
        JsonObject state = json(states.get(0)[0]);
        assertEquals("online", state.get("status").getAsString());
        assertEquals(GATEWAY, state.get("gatewayId").getAsString());
        assertEquals("a stored retained message carries RETAIN=1 (MQTT-3.3.1-8)", "true", states.get(0)[1]);
        await("telemetry", 10_000, () -> received.stream().anyMatch(m -> m[0].equals(NS + "telemetry")));
        JsonObject telemetry = json(first(NS + "telemetry", m -> true)[1]);
        assertTrue(telemetry.has("p99LatencyMillis"));
        assertTrue(telemetry.getAsJsonObject("configuration").has("id"));
        assertTrue(telemetry.get("heapMaxBytes").getAsLong() > 0);
    }

    @Test
    public void info() throws Exception {
        JsonObject reply = request("info", "{\"requestId\":\"info-1\"}");
        assertEquals("ok", reply.get("status").getAsString());
        JsonObject result = reply.getAsJsonObject("result");
        assertEquals(GATEWAY, result.get("gatewayId").getAsString());
        assertEquals(4, result.getAsJsonArray("slots").size());
        assertFalse(result.get("backboneId").getAsString().isEmpty());
        assertTrue(result.getAsJsonObject("versions").has("java"));
    }

    @Test
    public void variantsAndStatus() throws Exception {
        await("low-rank variants to be admitted", 30_000, () -> !service(ModelControl.class, 10_000).status().variants().isEmpty());
        JsonArray variants = request("variants", "{\"requestId\":\"variants-1\"}").getAsJsonObject("result")
                .getAsJsonArray("variants");
        assertFalse(variants.isEmpty());
        JsonObject v = variants.get(0).getAsJsonObject();
        for (String field : List.of("slot", "id", "kind", "provenance", "params", "macs", "accepted", "active", "agreement")) {
            assertTrue("variant field " + field, v.has(field));
        }
        JsonObject status = request("status", "{\"requestId\":\"status-1\"}").getAsJsonObject("result");
        assertEquals("SERVING", status.getAsJsonObject("model").get("state").getAsString());
        assertTrue(status.getAsJsonObject("serving").has("p50LatencyMillis"));
    }

    @Test
    public void pinRepliesWhenTheConfigurationServes() throws Exception {
        ModelControl model = service(ModelControl.class, 10_000);
        await("an accepted variant", 60_000, () -> model.status().variants().stream().anyMatch(v -> v.accepted()));
        var variant = model.status().variants().stream().filter(v -> v.accepted()).findFirst().orElseThrow().descriptor();
        JsonObject reply = request("pin", "{\"requestId\":\"pin-1\",\"slot\":\"" + variant.slot() + "\",\"variantId\":\""
                + variant.id() + "\"}");
        assertEquals(reply.toString(), "ok", reply.get("status").getAsString());
        ModelStatus now = model.status();
        assertEquals(ModelStatus.State.SERVING, now.state());
        assertEquals("serving when the reply came", variant.id(), now.configuration().variantBySlot().get(variant.slot()));
        assertEquals(now.configuration().id(), reply.getAsJsonObject("result").getAsJsonObject("configuration")
                .get("id").getAsString());
        JsonObject unpinned = request("unpin", "{\"requestId\":\"unpin-1\",\"slot\":\"" + variant.slot() + "\"}");
        assertEquals("ok", unpinned.get("status").getAsString());
        JsonObject unknown = request("pin", "{\"requestId\":\"pin-2\",\"slot\":\"conv99\",\"variantId\":\"x\"}");
        assertEquals("INVALID_ARGUMENT", unknown.getAsJsonObject("error").get("code").getAsString());
    }

    @Test
    public void unknownVerbAndMalformedJson() throws Exception {
        assertEquals("UNKNOWN_VERB", request("reboot", "{\"requestId\":\"unknown-1\"}").getAsJsonObject("error")
                .get("code").getAsString());
        assertEquals("MALFORMED_JSON", request("info", "{\"requestId\":\"malformed-1\", oops")
                .getAsJsonObject("error").get("code").getAsString());
        JsonObject invalid = request("pin", "{\"requestId\":\"invalid-1\",\"slot\":7,\"variantId\":\"x\"}");
        assertEquals("INVALID_ARGUMENT", invalid.getAsJsonObject("error").get("code").getAsString());
        assertEquals("slot", invalid.getAsJsonObject("error").get("field").getAsString());
    }

    @Test
    public void aReplayedRequestIdReturnsTheStoredReply() throws Exception {
        String first = requestRaw("info", "{\"requestId\":\"replay-1\"}", 1);
        String second = requestRaw("info", "{\"requestId\":\"replay-1\"}", 2);
        assertEquals("the stored reply, byte for byte (same 'at')", first, second);
    }

    @Test
    public void stoppingOnnxRuntimeIsRefused() throws Exception {
        JsonObject reply = request("stop", "{\"requestId\":\"stop-ort-1\",\"symbolicName\":\"io.morphgate.onnxruntime\"}");
        assertEquals("error", reply.get("status").getAsString());
        assertEquals("PROTECTED_BUNDLE", reply.getAsJsonObject("error").get("code").getAsString());
        assertEquals(Bundle.ACTIVE, bundle("io.morphgate.onnxruntime").getState());
    }

    /**
     * Runs last (the class's methods run in name order): the relay cuts the gateway's connection right after a
     * command was published, so the command or its reply is in flight when the connection drops. The broker must
     * publish the gateway's last will; the gateway must reconnect (persistent session), the in-flight reply must
     * arrive (Paho resends an unacknowledged QoS 1 PUBLISH with DUP set; Moquette 0.17 lost a session event loop on
     * exactly that, see EmbeddedBrokerTest), and a new command must be answered.
     */
    @Test
    @SuppressWarnings("unchecked")
    public void zDroppedConnectionPublishesTheLastWillAndTheGatewayReconnects() throws Exception {
        Function<String, String> relay = (Function<String, String>) System.getProperties().get(MqttTestBroker.RELAY);
        assertNotNull("the relay of the test driver", relay);
        int before = received.size();
        cloud.publish(NS + "cmd/info", "{\"requestId\":\"in-flight-1\"}".getBytes(StandardCharsets.UTF_8), 1, false);
        String dropped = relay.apply("drop");
        assertTrue(dropped, dropped.startsWith("dropped") && !dropped.equals("dropped 0"));
        await("the last will (offline)", 20_000, () -> since(before).stream()
                .anyMatch(m -> m[0].equals(NS + "state") && m[1].contains("\"offline\"")));
        await("the gateway online again", 60_000, () -> {
            List<String[]> since = since(before);
            int offline = -1;
            for (int i = 0; i < since.size(); i++) {
                if (since.get(i)[0].equals(NS + "state") && since.get(i)[1].contains("\"offline\"")) {
                    offline = i;
                }
            }
            return offline >= 0 && since.subList(offline, since.size()).stream()
                    .anyMatch(m -> m[0].equals(NS + "state") && m[1].contains("\"online\""));
        });
        String inFlight = NS + "reply/in-flight-1";
        await("the reply to the command sent just before the drop", 60_000, () -> received.stream()
                .anyMatch(m -> m[0].equals(inFlight)));
        assertEquals("ok", json(first(inFlight, m -> true)[1]).get("status").getAsString());
        JsonObject reply = request("info", "{\"requestId\":\"after-drop-1\"}");
        assertEquals("ok", reply.get("status").getAsString());
        assertEquals(GATEWAY, reply.getAsJsonObject("result").get("gatewayId").getAsString());
    }

    /** What arrived after the first n messages (a copy: the subscriber's thread keeps adding). */
    private List<String[]> since(int n) {
        List<String[]> all = new ArrayList<>(received);
        return all.subList(n, all.size());
    }

    private JsonObject request(String verb, String payload) throws Exception {
        java.util.regex.Matcher id = java.util.regex.Pattern.compile("\"requestId\":\"([^\"]+)\"").matcher(payload);
        assertTrue(id.find());
        return json(requestRaw(verb, payload, 1, id.group(1)));
    }

    private String requestRaw(String verb, String payload, int n) throws Exception {
        return requestRaw(verb, payload, n, json(payload).get("requestId").getAsString());
    }

    private String requestRaw(String verb, String payload, int n, String requestId) throws Exception {
        cloud.publish(NS + "cmd/" + verb, payload.getBytes(StandardCharsets.UTF_8), 1, false);
        String topic = NS + "reply/" + requestId;
        await("reply #" + n + " on " + topic, 60_000, () -> received.stream().filter(m -> m[0].equals(topic)).count() >= n);
        return received.stream().filter(m -> m[0].equals(topic)).skip(n - 1).findFirst().orElseThrow()[1];
    }

    private String[] first(String topic, Predicate<String[]> filter) {
        return received.stream().filter(m -> m[0].equals(topic)).filter(filter).findFirst()
                .orElseThrow(() -> new AssertionError("nothing on " + topic));
    }

    private static JsonObject json(String text) {
        JsonElement element = JsonParser.parseString(text);
        return element.getAsJsonObject();
    }
}
