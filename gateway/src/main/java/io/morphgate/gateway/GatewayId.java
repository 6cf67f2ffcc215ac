package io.morphgate.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** The gateway's id in the MQTT topics (morphgate/v1/<id>/...): given, else the host name. */
final class GatewayId {

    /** No '/', '+', '#' or spaces: the id is one topic level and must not act as a wildcard. */
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private GatewayId() {
    }

    static String resolve(String configured) {
        String id = configured == null || configured.isBlank() ? hostName() : configured.trim();
        if (!VALID.matcher(id).matches()) {
            throw new IllegalArgumentException("gateway id '" + id + "': use 1 to 64 letters, digits, '.', '_' or '-' "
                    + "(it is one MQTT topic level)");
        }
        return id;
    }

    /** /etc/hostname, not InetAddress.getLocalHost(): no name lookup on the start path. */
    private static String hostName() {
        String name = "";
        try {
            name = Files.readString(Path.of("/etc/hostname")).trim();
        } catch (IOException e) {
            name = System.getenv().getOrDefault("HOSTNAME", "");
        }
        name = name.split("\\.")[0].replaceAll("[^A-Za-z0-9._-]", "-");
        return name.isEmpty() ? "gateway" : name;
    }
}
