package io.morphgate.inference.mqtt.internal;

import java.io.IOException;
import java.time.Duration;
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

import io.morphgate.api.serving.PredictionService;
import io.morphgate.mqtt.client.BrokerSettings;
import io.morphgate.mqtt.client.ClientOptions;
import io.morphgate.mqtt.client.Connector;

/**
 * Inference over MQTT with a client of its own (so device traffic never queues behind the cloud control link), set
 * up as every gateway link is ({@link ClientOptions}: TLS with a CA file, credentials from a password file,
 * TCP_NODELAY, reconnect): a clean session under {@code <gatewayId>-inference}, resubscribed on every reconnect.
 * Requests are handled by {@link InferenceRequests} on Paho's callback thread; replies are published asynchronously
 * (no thread waits for the broker's acknowledgement).
 */
@Component(immediate = true, configurationPid = "morphgate.inference.mqtt", service = {})
@Designate(ocd = MqttInferenceConfiguration.class)
public class MqttInference implements MqttCallbackExtended {

    private static final System.Logger LOG = System.getLogger(MqttInference.class.getName());

    private final MqttInferenceConfiguration config;
    private final MqttAsyncClient client;
    private final InferenceRequests requests;
    private final ScheduledExecutorService scheduler;
    private final Connector connector;

    @Activate
    public MqttInference(@Reference PredictionService predictions, BundleContext context,
            MqttInferenceConfiguration config) throws MqttException, IOException {
        this.config = config;
        BrokerSettings broker = BrokerSettings.of(config.brokerUrl(), config.gatewayId(), config.username(),
                config.passwordFile(), config.caCertificateFile(), config.keepAliveSeconds(), context::getProperty);
        MqttConnectOptions options = ClientOptions.of(broker);
        options.setCleanSession(true);
        options.setMaxInflight(config.maxInflight());
        this.client = new MqttAsyncClient(broker.brokerUrl(), broker.gatewayId() + "-inference",
                new MemoryPersistence());
        RecentReplies recent = new RecentReplies(config.repliesKept(),
                Duration.ofSeconds(config.repliesKeptSeconds()), System::nanoTime);
        this.requests = new InferenceRequests(broker.namespace(), predictions, config.topClasses(), recent,
                this::publish);
        client.setCallback(this);
        scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "morphgate-inference-mqtt-connect");
            t.setDaemon(true);
            return t;
        });
        connector = new Connector(client, options, scheduler, "inference over MQTT");
        connector.start();
        LOG.log(System.Logger.Level.INFO, "inference over MQTT on {0}: requests on {1}infer/request/<format>/"
                + "<requestId>; repeated ids answered from the last {2} replies for {3} s", broker.brokerUrl(),
                broker.namespace(), config.repliesKept(), config.repliesKeptSeconds());
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
            client.subscribe(requests.subscription(), qos());
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
        requests.arrived(topic, message.getPayload());
    }

    private void publish(String topic, byte[] payload) {
        try {
            client.publish(topic, payload, qos(), false);
        } catch (MqttException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot send the inference reply on {0}: {1}", topic, e);
        }
    }

    private int qos() {
        return Math.max(0, Math.min(1, config.qos()));
    }
}
