package io.morphgate.console;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * A gateway as the console sees it: records each command and answers like the control bundle. install and update
 * are jobs (accepted, progress, final event; for update the events come first); stopping io.morphgate.onnxruntime
 * is refused; the rest is ok.
 */
final class FakeGateway implements AutoCloseable {

    record Received(String gateway, String verb, JsonObject payload) {
    }

    final List<Received> received = new CopyOnWriteArrayList<>();
    private final MqttClient client;
    private final ExecutorService replies = Executors.newSingleThreadExecutor();

    FakeGateway(String url, String... gateways) throws MqttException {
        client = new MqttClient(url, "fake-gateway", new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                String[] levels = topic.split("/");
                JsonObject payload = JsonParser.parseString(new String(message.getPayload(), StandardCharsets.UTF_8)).getAsJsonObject();
                received.add(new Received(levels[2], levels[4], payload));
                replies.execute(() -> answer(levels[2], levels[4], payload));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        client.connect(options);
        for (String gateway : gateways) {
            client.subscribe("morphgate/v1/" + gateway + "/cmd/#", 1);
        }
    }

    private void answer(String gateway, String verb, JsonObject command) {
        String requestId = command.get("requestId").getAsString();
        JsonObject reply = new JsonObject();
        reply.addProperty("requestId", requestId);
        reply.addProperty("verb", verb);
        boolean job = verb.equals("install") || verb.equals("update");
        boolean refused = verb.equals("stop") && "io.morphgate.onnxruntime".equals(command.get("symbolicName").getAsString());
        reply.addProperty("status", refused ? "error" : job ? "accepted" : "ok");
        if (refused) {
            JsonObject error = new JsonObject();
            error.addProperty("code", "PROTECTED_BUNDLE");
            error.addProperty("message", "io.morphgate.onnxruntime is protected");
            reply.add("error", error);
        } else {
            JsonObject result = new JsonObject();
            result.addProperty("jobId", requestId);
            reply.add("result", result);
        }
        // update: the job's events overtake its "accepted" reply (they may: different topics)
        boolean eventsFirst = verb.equals("update");
        if (!eventsFirst) {
            publish("morphgate/v1/" + gateway + "/reply/" + requestId, reply);
        }
        if (job) {
            publish("morphgate/v1/" + gateway + "/event/job", event("other-job", "DOWNLOAD", 10, false));
            publish("morphgate/v1/" + gateway + "/event/job", event(requestId, "VERIFY", 50, false));
            publish("morphgate/v1/" + gateway + "/event/job", event(requestId, "COMMITTED", 100, true));
        }
        if (eventsFirst) {
            publish("morphgate/v1/" + gateway + "/reply/" + requestId, reply);
        }
    }

    private static JsonObject event(String jobId, String stage, int percent, boolean last) {
        JsonObject event = new JsonObject();
        event.addProperty("jobId", jobId);
        event.addProperty("stage", stage);
        event.addProperty("percent", percent);
        event.addProperty("message", stage.toLowerCase());
        event.addProperty("final", last);
        if (last) {
            event.add("error", com.google.gson.JsonNull.INSTANCE);
        }
        return event;
    }

    private void publish(String topic, JsonObject json) {
        try {
            client.publish(topic, json.toString().getBytes(StandardCharsets.UTF_8), 1, false);
        } catch (MqttException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws MqttException {
        replies.shutdownNow();
        client.disconnect();
        client.close();
    }
}
