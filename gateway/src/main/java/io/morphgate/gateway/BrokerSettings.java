package io.morphgate.gateway;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * conf/broker.properties: whether the launcher starts the embedded broker (and where it listens) or the control
 * bundle uses an external one. A command-line port or URL overrides the file.
 */
record BrokerSettings(Mode mode, String host, int port, int maxMessageBytes, String externalUrl, String gatewayId) {

    enum Mode { EMBEDDED, EXTERNAL }

    static final String DEFAULT_HOST = "127.0.0.1";
    static final int DEFAULT_PORT = 1883;

    BrokerSettings {
        if (mode == Mode.EMBEDDED && !isLoopback(host)) {
            throw new IllegalArgumentException("broker.host=" + host + ": the embedded broker accepts anonymous "
                    + "clients, so it listens on loopback only; serve other hosts with an external broker "
                    + "(broker.mode=external, e.g. Mosquitto with TLS and passwords)");
        }
        if (mode == Mode.EMBEDDED && (port < 0 || port > 65535)) {
            throw new IllegalArgumentException("broker.port=" + port + ": not a TCP port");
        }
        if (mode == Mode.EXTERNAL) {
            checkUrl(externalUrl);
        }
    }

    /** Reads the file (absent: all defaults); portOverride and urlOverride may be null. */
    static BrokerSettings load(Path file, Integer portOverride, String urlOverride, String gatewayIdOverride)
            throws IOException {
        Properties p = new Properties();
        if (file != null && Files.isRegularFile(file)) {
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(in);
            }
        }
        Mode mode = urlOverride != null ? Mode.EXTERNAL : parseMode(p.getProperty("broker.mode", "embedded"));
        int port = portOverride != null ? portOverride : intValue(p, "broker.port", DEFAULT_PORT);
        String url = urlOverride != null ? urlOverride : p.getProperty("broker.url", "").trim();
        String id = GatewayId.resolve(gatewayIdOverride != null ? gatewayIdOverride : p.getProperty("gateway.id", ""));
        return new BrokerSettings(mode, p.getProperty("broker.host", DEFAULT_HOST).trim(), port,
                intValue(p, "broker.maxMessageBytes", 262144), url, id);
    }

    private static Mode parseMode(String value) {
        return switch (value.trim().toLowerCase()) {
            case "embedded" -> Mode.EMBEDDED;
            case "external" -> Mode.EXTERNAL;
            default -> throw new IllegalArgumentException("broker.mode=" + value + ": expected embedded or external");
        };
    }

    private static int intValue(Properties p, String key, int fallback) {
        String v = p.getProperty(key, "").trim();
        try {
            return v.isEmpty() ? fallback : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + "=" + v + ": not a number", e);
        }
    }

    private static void checkUrl(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("broker.mode=external needs broker.url (tcp://host:1883 or ssl://host:8883)");
        }
        URI uri = URI.create(url);
        if (!"tcp".equals(uri.getScheme()) && !"ssl".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("broker.url=" + url + ": expected tcp://host:port or ssl://host:port");
        }
    }

    static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
