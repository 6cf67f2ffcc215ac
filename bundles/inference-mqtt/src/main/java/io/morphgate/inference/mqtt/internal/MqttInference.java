package io.morphgate.inference.mqtt.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

import com.google.gson.JsonObject;

import io.morphgate.api.serving.PredictionService;
import io.morphgate.api.serving.ServingException;
import io.morphgate.api.serving.ServingException.Code;
import io.morphgate.mqtt.client.BrokerSettings;
import io.morphgate.mqtt.client.ClientOptions;
import io.morphgate.mqtt.client.Connector;
import io.morphgate.serving.wire.PredictionJson;

/**
 * Inference over MQTT with a client of its own (so device traffic never queues behind the cloud control link), set
 * up as every gateway link is ({@link ClientOptions}: TLS with a CA file, credentials from a password file,
 * TCP_NODELAY, reconnect): a clean session under {@code <gatewayId>-inference}, resubscribed on every reconnect.
 * Decoding runs on Paho's callback thread and is bounded by the serving limits; the reply is published
 * asynchronously (no thread waits for the broker's acknowledgement) when the prediction completes. Replies carry the
 * request id; errors carry the serving error code.
 */
@Component(immediate = true, configurationPid = "morphgate.inference.mqtt", service = {})
@Designate(ocd = MqttInferenceConfiguration.class)
public class MqttInference implements MqttCallbackExtended {

    private static final System.Logger LOG = System.getLogger(MqttInference.class.getName());

    private final PredictionService predictions;
    private final MqttInferenceConfiguration config;
    private final String namespace;
    private final MqttAsyncClient client;
    private final ScheduledExecutorService scheduler;
    private final Connector connector;

    @Activate
    public MqttInference(@Reference PredictionService predictions, BundleContext context,
            MqttInferenceConfiguration config) throws MqttException, IOException {
        this.predictions = predictions;
        this.config = config;
        BrokerSettings broker = BrokerSettings.of(config.brokerUrl(), config.gatewayId(), config.username(),
                config.passwordFile(), config.caCertificateFile(), config.keepAliveSeconds(), context::getProperty);
        MqttConnectOptions options = ClientOptions.of(broker);
        options.setCleanSession(true);
        options.setMaxInflight(config.maxInflight());
        this.client = new MqttAsyncClient(broker.brokerUrl(), broker.gatewayId() + "-inference",
                new MemoryPersistence());
        this.namespace = broker.namespace();
        client.setCallback(this);
        scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "morphgate-inference-mqtt-connect");
            t.setDaemon(true);
            return t;
        });
        connector = new Connector(client, options, scheduler, "inference over MQTT");
        connector.start();
        LOG.log(System.Logger.Level.INFO, "inference over MQTT on {0}: requests on {1}infer/request/<format>/"
                + "<requestId>", broker.brokerUrl(), namespace);
    }

    @Deactivate
    void deactivate() {
        connector.close();
        scheduler.shutdownNow();
        try {
            if (client.isConnected()) {
                client.disconnect(2_000).waitForCompletion(3_000);
            }
        } catch (MqttException e) {
            LOG.log(System.Logger.Level.DEBUG, "disconnect: " + e);
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            LOG.log(System.Logger.Level.DEBUG, "close: " + e);
        }
    }

    @Override
    public void connectComplete(boolean reconnect, String serverURI) {
        try {
            client.subscribe(namespace + "infer/request/+/+", qos());
        } catch (MqttException e) {
            LOG.log(System.Logger.Level.ERROR, "cannot subscribe to inference requests: " + e, e);
        }
    }

    @Override
    public void connectionLost(Throwable cause) {
        LOG.log(System.Logger.Level.WARNING, "inference over MQTT lost its broker ({0}); Paho reconnects",
                String.valueOf(cause));
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
        // QoS 1 replies: nothing to track
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        long arrived = System.nanoTime();
        Optional<RequestTopic> parsed = RequestTopic.parse(namespace, topic);
        if (parsed.isEmpty() || !parsed.get().hasValidRequestId()) {
            LOG.log(System.Logger.Level.WARNING, "ignored an inference request on {0}: the request id must be 1-128 of "
                    + "A-Z a-z 0-9 . _ : - (no reply can be addressed)", topic);
            return;
        }
        RequestTopic request = parsed.get();
        try {
            String mediaType = request.mediaType().orElseThrow(() -> new ServingException(Code.UNSUPPORTED_MEDIA_TYPE,
                    "format '" + request.format() + "' is not served: use json, f32, png or jpeg"));
            predictions.predict(mediaType, message.getPayload(), config.topClasses()).whenComplete((p, failure) -> {
                JsonObject reply = failure == null ? PredictionJson.prediction(p, (System.nanoTime() - arrived) / 1e6)
                        : PredictionJson.error(PredictionJson.cause(failure));
                reply(request, reply);
            });
        } catch (ServingException e) {
            reply(request, PredictionJson.error(e));
        } catch (RuntimeException e) {
            reply(request, PredictionJson.error(PredictionJson.cause(e)));
        }
    }

    private void reply(RequestTopic request, JsonObject reply) {
        JsonObject json = new JsonObject();
        json.addProperty("requestId", request.requestId());
        reply.entrySet().forEach(e -> json.add(e.getKey(), e.getValue()));
        try {
            client.publish(namespace + "infer/reply/" + request.requestId(),
                    json.toString().getBytes(StandardCharsets.UTF_8), qos(), false);
        } catch (MqttException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot send the reply to inference request {0}: {1}",
                    request.requestId(), e);
        }
    }

    private int qos() {
        return Math.max(0, Math.min(1, config.qos()));
    }
}
