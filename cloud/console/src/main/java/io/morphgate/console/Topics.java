package io.morphgate.console;

/** The Morphgate MQTT namespace, seen from the cloud. */
public final class Topics {

    public static final String ROOT = "morphgate/v1/";

    private Topics() {
    }

    public static String command(String gateway, String verb) {
        return ROOT + gateway + "/cmd/" + verb;
    }

    public static String reply(String gateway, String requestId) {
        return ROOT + gateway + "/reply/" + requestId;
    }

    public static String event(String gateway, String kind) {
        return ROOT + gateway + "/event/" + kind;
    }

    public static String state(String gateway) {
        return ROOT + gateway + "/state";
    }

    public static String telemetry(String gateway) {
        return ROOT + gateway + "/telemetry";
    }

    /** The gateway id of a topic below {@link #ROOT}. */
    public static String gatewayOf(String topic) {
        String rest = topic.substring(ROOT.length());
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }
}
