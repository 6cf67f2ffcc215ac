package io.morphgate.backbone.internal;

import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads configured pins written as {@code slot=variantId}; malformed entries are logged and skipped. */
final class PinParser {

    private static final System.Logger LOG = System.getLogger(PinParser.class.getName());

    private PinParser() {
    }

    static Map<String, String> parse(String[] entries) {
        Map<String, String> pins = new LinkedHashMap<>();
        for (String entry : entries == null ? new String[0] : entries) {
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                LOG.log(Level.WARNING, "ignoring pin \"{0}\": expected slot=variantId", entry);
                continue;
            }
            pins.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
        }
        return Map.copyOf(pins);
    }
}
