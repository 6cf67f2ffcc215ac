package io.morphgate.mqtt.client;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * How a gateway link reaches its broker: the same typed settings for the control link (PID
 * {@code morphgate.control.mqtt}) and inference over MQTT (PID {@code morphgate.inference.mqtt}), which configure them
 * under the same property names ({@code brokerUrl}, {@code gatewayId}, {@code username}, {@code passwordFile},
 * {@code caCertificateFile}, {@code keepAliveSeconds}).
 *
 * @param brokerUrl         {@code tcp://host:port} or {@code ssl://host:port}
 * @param gatewayId         the topic namespace {@code morphgate/v1/<gatewayId>/}: 1-64 of {@code A-Z a-z 0-9 . _ -}
 * @param username          the broker user, if any
 * @param passwordFile      the file whose first line is the password, so the secret is not in the configuration
 * @param caCertificateFile PEM file of the CA(s) to trust for {@code ssl://}; none: the JVM's trust store
 * @param keepAliveSeconds  the MQTT keep-alive interval
 */
public record BrokerSettings(String brokerUrl, String gatewayId, Optional<String> username,
        Optional<Path> passwordFile, Optional<Path> caCertificateFile, int keepAliveSeconds) {

    /** A gateway id that can be a topic level and a client id. */
    public static final Pattern GATEWAY_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    static final String DEFAULT_BROKER = "tcp://127.0.0.1:1883";
    static final String DEFAULT_GATEWAY = "gateway-1";

    public BrokerSettings {
        String scheme = brokerUrl.contains("://") ? brokerUrl.substring(0, brokerUrl.indexOf("://"))
                .toLowerCase(Locale.ROOT) : "";
        if (!scheme.equals("tcp") && !scheme.equals("ssl")) {
            throw new IllegalArgumentException("broker URL '" + brokerUrl + "': use tcp://host:port or "
                    + "ssl://host:port");
        }
        if (!GATEWAY_ID.matcher(gatewayId).matches()) {
            throw new IllegalArgumentException("gateway id '" + gatewayId + "' cannot be an MQTT topic level: use 1 "
                    + "to 64 characters of A-Z a-z 0-9 . _ -");
        }
        if (caCertificateFile.isPresent() && scheme.equals("tcp")) {
            throw new IllegalArgumentException("caCertificateFile is set but the broker URL '" + brokerUrl
                    + "' is not ssl://: the CA would never be used");
        }
        if (keepAliveSeconds < 0) {
            throw new IllegalArgumentException("keepAliveSeconds must not be negative: " + keepAliveSeconds);
        }
    }

    /**
     * The settings a link's configuration gives; an empty broker URL or gateway id falls back to the framework
     * property the launcher sets ({@code morphgate.broker.url}, {@code morphgate.gateway.id}), then to
     * {@code tcp://127.0.0.1:1883} and {@code gateway-1}. Empty strings are "not set".
     */
    public static BrokerSettings of(String brokerUrl, String gatewayId, String username, String passwordFile,
            String caCertificateFile, int keepAliveSeconds, UnaryOperator<String> frameworkProperty) {
        String url = text(brokerUrl).or(() -> text(frameworkProperty.apply("morphgate.broker.url")))
                .orElse(DEFAULT_BROKER);
        String id = text(gatewayId).or(() -> text(frameworkProperty.apply("morphgate.gateway.id")))
                .orElse(DEFAULT_GATEWAY);
        return new BrokerSettings(url, id, text(username), text(passwordFile).map(Path::of),
                text(caCertificateFile).map(Path::of), keepAliveSeconds);
    }

    /** Whether the connection is TLS ({@code ssl://}). */
    public boolean tls() {
        return brokerUrl.regionMatches(true, 0, "ssl://", 0, 6);
    }

    /** Every topic of this gateway starts with this. */
    public String namespace() {
        return "morphgate/v1/" + gatewayId + "/";
    }

    private static Optional<String> text(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }
}
