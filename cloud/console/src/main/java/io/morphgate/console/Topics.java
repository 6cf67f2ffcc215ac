package io.morphgate.console;

/** The Morphgate MQTT namespace, seen from the cloud. */
final class Topics {

    static final String ROOT = "morphgate/v1/";

    private Topics() {
    }

    static String command(String gateway, String verb) {
        return ROOT + gateway + "/cmd/" + verb;
    }

    static String reply(String gateway, String requestId) {
        return ROOT + gateway + "/reply/" + requestId;
    }

    static String event(String gateway, String kind) {
        return ROOT + gateway + "/event/" + kind;
    }

    static String state(String gateway) {
        return ROOT + gateway + "/state";
    }

    static String telemetry(String gateway) {
        return ROOT + gateway + "/telemetry";
    }

    /** The gateway id of a topic below {@link #ROOT}. */
    static String gatewayOf(String topic) {
        String rest = topic.substring(ROOT.length());
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }
}
