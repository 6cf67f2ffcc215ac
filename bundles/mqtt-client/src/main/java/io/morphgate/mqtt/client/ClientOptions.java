package io.morphgate.mqtt.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.net.ssl.SSLSocketFactory;

import org.eclipse.paho.client.mqttv3.MqttConnectOptions;

/**
 * The connect options every gateway link starts from: MQTT 3.1.1, the keep-alive, Paho's automatic reconnect (1 s
 * doubling to {@link Connector#MAX_BACKOFF_MILLIS}), the credentials, and sockets with Nagle's algorithm off: plain
 * for {@code tcp://}, TLS for {@code ssl://} trusting the CA file if one is set (host names verified), else the JVM's
 * trust store. Each link adds what is its own (session, last will, in-flight window).
 */
public final class ClientOptions {

    static final int CONNECTION_TIMEOUT_SECONDS = 30;

    private ClientOptions() {
    }

    /** Reads the password file and the CA file now: a missing or unreadable one fails here, naming the file. */
    public static MqttConnectOptions of(BrokerSettings settings) throws IOException {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setKeepAliveInterval(settings.keepAliveSeconds());
        options.setConnectionTimeout(CONNECTION_TIMEOUT_SECONDS);
        options.setAutomaticReconnect(true);
        options.setMaxReconnectDelay((int) Connector.MAX_BACKOFF_MILLIS);
        settings.username().ifPresent(options::setUserName);
        if (settings.passwordFile().isPresent()) {
            options.setPassword(password(settings.passwordFile().get()));
        }
        if (settings.caCertificateFile().isPresent()) {
            options.setSocketFactory(NoDelaySockets.tls(
                    TrustedCertificates.socketFactory(settings.caCertificateFile().get())));
        } else if (settings.tls()) {
            options.setSocketFactory(NoDelaySockets.tls((SSLSocketFactory) SSLSocketFactory.getDefault()));
        } else {
            options.setSocketFactory(NoDelaySockets.plain());
        }
        return options;
    }

    /** The first line of the file. */
    static char[] password(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("").toCharArray();
        } catch (IOException e) {
            throw new IOException("cannot read the broker password file " + file + ": " + e, e);
        }
    }
}
