package io.morphgate.console;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * is refused; upload keeps each chunk (refused on the gateway named in {@link #refuseUploadsOn}); the rest is ok.
 */
final class FakeGateway implements AutoCloseable {

    record Received(String gateway, String verb, JsonObject payload) {
    }

    final List<Received> received = new CopyOnWriteArrayList<>();
    /** The chunks received, by gateway and upload id, by index. */
    final Map<String, Map<Integer, byte[]>> uploads = new ConcurrentHashMap<>();
    volatile String refuseUploadsOn;
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
        boolean upload = verb.equals("upload");
        boolean refused = verb.equals("stop") && "io.morphgate.onnxruntime".equals(command.get("symbolicName").getAsString());
        boolean uploadRefused = upload && gateway.equals(refuseUploadsOn);
        reply.addProperty("status", refused || uploadRefused ? "error" : job ? "accepted" : "ok");
        if (refused || uploadRefused) {
            JsonObject error = new JsonObject();
            error.addProperty("code", refused ? "PROTECTED_BUNDLE" : "PAYLOAD_TOO_LARGE");
            error.addProperty("message", refused ? "io.morphgate.onnxruntime is protected" : "upload too large");
            reply.add("error", error);
        } else if (upload) {
            uploads.computeIfAbsent(gateway + "/" + command.get("uploadId").getAsString(), k -> new ConcurrentHashMap<>())
                    .put(command.get("index").getAsInt(), Base64.getDecoder().decode(command.get("data").getAsString()));
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
