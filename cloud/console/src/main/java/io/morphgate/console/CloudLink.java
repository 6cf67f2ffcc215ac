package io.morphgate.console;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** One MQTT 3.1.1 connection of the console: publishes, subscribes, and queues what arrives. */
final class CloudLink implements AutoCloseable {

    /** A message that arrived. */
    record Message(String topic, String payload) {
    }

    private final MqttClient client;
    private final BlockingQueue<Message> inbox = new LinkedBlockingQueue<>();

    private CloudLink(MqttClient client) {
        this.client = client;
    }

    static CloudLink connect(ConnectionOptions options) throws MqttException, IOException, GeneralSecurityException {
        MqttClient client = new MqttClient(options.broker, "morphgate-console-" + UUID.randomUUID().toString().substring(0, 8),
                new MemoryPersistence());
        CloudLink link = new CloudLink(client);
        client.setCallback(link.callback());
        MqttConnectOptions connect = new MqttConnectOptions();
        connect.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        connect.setCleanSession(true);
        connect.setConnectionTimeout(Math.max(1, options.timeoutSeconds));
        if (options.username != null) {
            connect.setUserName(options.username);
        }
        if (options.passwordFile != null) {
            connect.setPassword(Files.readAllLines(options.passwordFile, StandardCharsets.UTF_8).get(0).trim().toCharArray());
        }
        if (options.caFile != null) {
            connect.setSocketFactory(trusting(options).getSocketFactory());
        }
        client.connect(connect);
        return link;
    }

    private static SSLContext trusting(ConnectionOptions options) throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(options.caFile)) {
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, c);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLSv1.2");
        ssl.init(null, tmf.getTrustManagers(), null);
        return ssl;
    }

    void subscribe(String topic) throws MqttException {
        client.subscribe(topic, 1);
    }

    void unsubscribe(String topic) throws MqttException {
        client.unsubscribe(topic);
    }

    void publish(String topic, String json) throws MqttException {
        MqttMessage message = new MqttMessage(json.getBytes(StandardCharsets.UTF_8));
        message.setQos(1);
        client.publish(topic, message);
    }

    BlockingQueue<Message> inbox() {
        return inbox;
    }

    private MqttCallback callback() {
        return new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                inbox.add(new Message("", "connection lost: " + cause));
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                inbox.add(new Message(topic, new String(message.getPayload(), StandardCharsets.UTF_8)));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // QoS 1 publications are confirmed by publish() returning
            }
        };
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnect(2000);
            }
            client.close();
        } catch (MqttException e) {
            System.err.println("disconnect: " + e.getMessage());
        }
    }
}
