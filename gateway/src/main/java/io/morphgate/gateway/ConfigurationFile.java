package io.morphgate.gateway;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.felix.cm.json.io.ConfigurationReader;
import org.apache.felix.cm.json.io.ConfigurationResource;
import org.apache.felix.cm.json.io.Configurations;

/**
 * Component configuration in the OSGi Configurator JSON format (resource version 1): PIDs as keys,
 * {@code "key:Type"} type hints. Parsed with org.apache.felix.cm.json, the reader the Felix Configurator uses.
 */
final class ConfigurationFile {

    private ConfigurationFile() {
    }

    /** PID (or factoryPid~name) to properties, in file order. An error in the file fails the whole file. */
    static Map<String, Dictionary<String, Object>> read(Path file) throws IOException {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(in, file.toString());
        }
    }

    static Map<String, Dictionary<String, Object>> read(Reader in, String name) throws IOException {
        ConfigurationReader reader = Configurations.buildReader().withIdentifier(name).build(in);
        ConfigurationResource resource = reader.readConfigurationResource();
        if (!reader.getIgnoredErrors().isEmpty()) {
            throw new IOException("Invalid configuration file " + name + ": " + String.join("; ", reader.getIgnoredErrors()));
        }
        Map<String, Dictionary<String, Object>> result = new LinkedHashMap<>();
        for (Map.Entry<String, Hashtable<String, Object>> e : resource.getConfigurations().entrySet()) {
            result.put(e.getKey(), e.getValue());
        }
        return result;
    }
}
