package io.morphgate.gateway.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import io.morphgate.gateway.e2e.Subscriber.Message;

/**
 * The cloud as a Paho client over TLS, for the benchmark: timing a command round trip with a fresh mosquitto_pub
 * process per command would measure process start-up, not the gateway.
 */
final class PahoCloud implements AutoCloseable {

    private final MqttClient client;
    private final List<Message> messages = new ArrayList<>();

    PahoCloud(Mosquitto broker, String topicFilter) throws IOException, GeneralSecurityException, MqttException {
        client = new MqttClient("ssl://localhost:" + broker.tlsPort(), "bench-cloud-" + System.nanoTime(),
                new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName("cloud");
        options.setPassword(broker.password("cloud").toCharArray());
        // Nagle off, as on the gateway's side: otherwise the PUBACK that follows each received reply waits for a
        // delayed ACK, and the benchmark would measure the cloud client's TCP settings
        options.setSocketFactory(new NoDelayTls(trusting(broker).getSocketFactory()));
        options.setCleanSession(true);
        client.connect(options);
        client.subscribe(topicFilter, 1, (topic, message) -> {
            Message m = new Message(topic, new String(message.getPayload(), StandardCharsets.UTF_8), System.nanoTime());
            synchronized (messages) {
                messages.add(m);
                messages.notifyAll();
            }
        });
    }

    private static SSLContext trusting(Mosquitto broker) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(broker.caCertificate())) {
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + i++, c);
            }
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    /** An SSLSocketFactory whose sockets have TCP_NODELAY set. */
    private static final class NoDelayTls extends javax.net.ssl.SSLSocketFactory {

        private final javax.net.ssl.SSLSocketFactory delegate;

        NoDelayTls(javax.net.ssl.SSLSocketFactory delegate) {
            this.delegate = delegate;
        }

        private static java.net.Socket noDelay(java.net.Socket socket) throws IOException {
            socket.setTcpNoDelay(true);
            return socket;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public java.net.Socket createSocket() throws IOException {
            return noDelay(delegate.createSocket());
        }

        @Override
        public java.net.Socket createSocket(java.net.Socket s, String host, int port, boolean autoClose)
                throws IOException {
            return noDelay(delegate.createSocket(s, host, port, autoClose));
        }

        @Override
        public java.net.Socket createSocket(String host, int port) throws IOException {
            return noDelay(delegate.createSocket(host, port));
        }

        @Override
        public java.net.Socket createSocket(String host, int port, java.net.InetAddress localHost, int localPort)
                throws IOException {
            return noDelay(delegate.createSocket(host, port, localHost, localPort));
        }

        @Override
        public java.net.Socket createSocket(java.net.InetAddress host, int port) throws IOException {
            return noDelay(delegate.createSocket(host, port));
        }

        @Override
        public java.net.Socket createSocket(java.net.InetAddress address, int port, java.net.InetAddress localAddress,
                int localPort) throws IOException {
            return noDelay(delegate.createSocket(address, port, localAddress, localPort));
        }
    }

    int mark() {
        synchronized (messages) {
            return messages.size();
        }
    }

    /** Publishes at QoS 1; returns System.nanoTime() just before the publish. */
    long publish(String topic, String payload) throws MqttException {
        long t = System.nanoTime();
        client.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
        return t;
    }

    Message await(int from, Predicate<Message> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (messages) {
            while (true) {
                for (int i = from; i < messages.size(); i++) {
                    if (match.test(messages.get(i))) {
                        return messages.get(i);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("timed out waiting for a message");
                }
                TimeUnit.NANOSECONDS.timedWait(messages, left);
            }
        }
    }

    List<Message> since(int from, Predicate<Message> match) {
        synchronized (messages) {
            return messages.subList(from, messages.size()).stream().filter(match).toList();
        }
    }

    @Override
    public void close() throws MqttException {
        client.disconnect();
        client.close();
    }
}
