package io.morphgate.evaluation.internal;

import java.util.LinkedHashMap;
import java.util.Map;

import io.morphgate.api.model.Configuration;

/**
 * Configurations as a person writes them on a command line: {@code default}, or {@code slot=variant} pairs separated
 * by commas, e.g. {@code conv1=lowrank-conv1-b0.5,conv3=fire-conv3-s0.25}.
 */
final class ConfigurationSpec {

    private ConfigurationSpec() {
    }

    static Configuration parse(String text) {
        String spec = text.trim();
        if (spec.isEmpty() || spec.equals("default")) {
            return Configuration.DEFAULT;
        }
        Map<String, String> variants = new LinkedHashMap<>();
        for (String pair : spec.split(",")) {
            String[] parts = pair.trim().split("=", 2);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new IllegalArgumentException("cannot read \"" + pair.trim() + "\" in \"" + text
                        + "\": write slot=variant, e.g. conv1=lowrank-conv1-b0.5");
            }
            if (variants.put(parts[0].trim(), parts[1].trim()) != null) {
                throw new IllegalArgumentException("slot " + parts[0].trim() + " appears twice in \"" + text + "\"");
            }
        }
        variants.values().removeIf("default"::equals);
        return new Configuration(variants);
    }
}
