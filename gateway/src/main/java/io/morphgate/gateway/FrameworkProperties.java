package io.morphgate.gateway;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The framework properties: conf/framework.properties with ${name} filled in from the launcher's own variables,
 * then system properties; a -D system property of the same name overrides an entry.
 */
final class FrameworkProperties {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]+)}");

    private FrameworkProperties() {
    }

    static Map<String, String> load(Path file, Map<String, String> variables) throws IOException {
        Properties raw = new Properties();
        if (file != null && Files.isRegularFile(file)) {
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                raw.load(in);
            }
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (String key : raw.stringPropertyNames()) {
            String value = System.getProperty(key, raw.getProperty(key));
            result.put(key, substitute(value, variables));
        }
        return result;
    }

    static String substitute(String value, Map<String, String> variables) {
        Matcher m = PLACEHOLDER.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String replacement = variables.getOrDefault(name, System.getProperty(name));
            if (replacement == null) {
                throw new IllegalArgumentException("Undefined ${" + name + "} in framework property value '" + value + "'");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Adds packages to org.osgi.framework.system.packages.extra, keeping what the file already lists. */
    static void addSystemPackagesExtra(Map<String, String> props, String packages) {
        String key = "org.osgi.framework.system.packages.extra";
        String existing = props.get(key);
        props.put(key, existing == null || existing.isBlank() ? packages : existing + "," + packages);
    }
}
