package io.morphgate.itests;

import static org.junit.Assert.assertEquals;
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

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.CoreOptions;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.service.cm.ConfigurationAdmin;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.morphgate.api.model.ModelControl;

/**
 * The cloud sets a budget over MQTT (a real broker over TCP) and gets the policy's decision back on
 * {@code event/policy}; the configuration it names is the one serving.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PolicyEventsIT extends TestSupport {

    private static final String GATEWAY = "policy-gw";
    private static final String NS = "morphgate/v1/" + GATEWAY + "/";

    @Configuration
    public Option[] configuration() {
        int[] ports = MqttTestBroker.start();
        List<String> bundles = new ArrayList<>();
        for (String feature : List.of("morphgate-core", FASHION_MNIST, "morphgate-operator-lowrank", "morphgate-policy",
                "morphgate-control")) {
            for (String id : featureBundles(feature)) {
                if (!id.startsWith("io.morphgate:morphgate-control-mqtt:") && !bundles.contains(id)) {
                    bundles.add(id);
                }
            }
        }
        String control = featureBundles("morphgate-control").stream()
                .filter(id -> id.startsWith("io.morphgate:morphgate-control-mqtt:")).findFirst().orElseThrow();
        List<Option> options = new ArrayList<>(Arrays.asList(gatewayOptions(bundles)));
        // installed, not started: the test points it at the broker first
        options.add(CoreOptions.bundle(TestBundles.require(control).toUri().toString()).start(false));
        Path data = Path.of(System.getProperty("morphgate.itests.target", "target"), "mqtt-data", UUID.randomUUID().toString());
        options.add(frameworkProperty("morphgate.data.dir").value(data.toString()));
        options.add(frameworkProperty("morphgate.gateway.id").value(GATEWAY));
        options.add(frameworkProperty("morphgate.itests.mqtt.broker").value("tcp://127.0.0.1:" + ports[0]));
        return options.toArray(Option[]::new);
    }

    @Test
    public void aBudgetSetOverMqttComesBackAsAPolicyDecision() throws Exception {
        String broker = context.getProperty("morphgate.itests.mqtt.broker");
        Hashtable<String, Object> config = new Hashtable<>();
        config.put("brokerUrl", broker);
        service(ConfigurationAdmin.class, 10_000).getConfiguration("morphgate.control.mqtt", "?").update(config);
        bundle("io.morphgate.control.mqtt").start();
        ModelControl model = service(ModelControl.class, 20_000);
        await("the low-rank operator to settle", 120_000,
                () -> OperatorFeatures.settled(model, bundle("io.morphgate.operator.lowrank")));
        List<String[]> received = new CopyOnWriteArrayList<>();
        MqttClient cloud = new MqttClient(broker, "cloud-" + UUID.randomUUID(), new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        cloud.connect(options);
        try {
            cloud.subscribe(NS + "#", 1, (topic, message) -> received.add(
                    new String[] {topic, new String(message.getPayload(), StandardCharsets.UTF_8)}));
            await("the gateway online", 30_000, () -> received.stream()
                    .anyMatch(m -> m[0].equals(NS + "state") && m[1].contains("\"online\"")));
            long maxMacs = model.status().macs() * 3 / 4;
            cloud.publish(NS + "cmd/budget", ("{\"requestId\":\"b-1\",\"maxMacs\":" + maxMacs + "}")
                    .getBytes(StandardCharsets.UTF_8), 1, false);
            await("the reply", 30_000, () -> received.stream().anyMatch(m -> m[0].equals(NS + "reply/b-1")));
            JsonObject reply = json(received.stream().filter(m -> m[0].equals(NS + "reply/b-1")).findFirst()
                    .orElseThrow()[1]);
            assertEquals(reply.toString(), "ok", reply.get("status").getAsString());
            assertTrue(reply.toString(), reply.getAsJsonObject("result").get("policyActive").getAsBoolean());
            assertEquals(maxMacs, reply.getAsJsonObject("result").get("maxMacs").getAsLong());
            await("a policy decision for the new budget", 60_000, () -> received.stream()
                    .anyMatch(m -> m[0].equals(NS + "event/policy") && budgetOf(m[1]) == maxMacs
                            && !"FAILED".equals(json(m[1]).get("outcome").getAsString())));
            JsonObject decision = json(received.stream().filter(m -> m[0].equals(NS + "event/policy")
                    && budgetOf(m[1]) == maxMacs).findFirst().orElseThrow()[1]);
            assertTrue(decision.toString(), decision.get("trigger").getAsString().startsWith("budget changed"));
            JsonObject figures = decision.getAsJsonObject("figures");
            assertTrue(decision.toString(), figures.get("macs").getAsLong() <= maxMacs);
            assertTrue(figures.has("decisionMillis") && figures.has("expectedAccuracy") && figures.has("candidates"));
            assertEquals(decision.getAsJsonObject("chosen").get("id").getAsString(),
                    model.status().configuration().id());
            assertTrue(model.status().macs() <= maxMacs);
            assertEquals(Bundle.ACTIVE, bundle("io.morphgate.policy").getState());
        } finally {
            cloud.disconnect();
            cloud.close();
        }
    }

    private static long budgetOf(String event) {
        JsonObject budget = json(event).getAsJsonObject("budget");
        return budget.has("maxMacs") ? budget.get("maxMacs").getAsLong() : -1;
    }

    private static JsonObject json(String text) {
        return JsonParser.parseString(text).getAsJsonObject();
    }
}
