package io.morphgate.gateway;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.Collections;
import java.util.Dictionary;
import java.util.StringJoiner;
import java.util.Map;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Gives Configuration Admin the shipped defaults, for every PID it does not know yet. A configuration that exists
 * (set on an earlier start, or later by the cloud) is never overwritten: Configuration Admin persists it in the
 * data dir, and it wins over the file.
 */
final class ConfigurationApplier {

    private static final Logger LOG = System.getLogger(ConfigurationApplier.class.getName());
    /** Any bundle may receive these configurations (the components' bundles are not known here). */
    private static final String ANY_LOCATION = "?";

    private final Map<String, Dictionary<String, Object>> defaults;

    ConfigurationApplier(Map<String, Dictionary<String, Object>> defaults) {
        this.defaults = Map.copyOf(defaults);
    }

    int apply(ConfigurationAdmin admin) throws IOException {
        int applied = 0;
        for (Map.Entry<String, Dictionary<String, Object>> e : defaults.entrySet()) {
            Configuration config = lookup(admin, e.getKey());
            if (config.getProperties() != null) {
                LOG.log(Level.INFO, "configuration {0}: kept (already set)", e.getKey());
                continue;
            }
            config.update(e.getValue());
            applied++;
            LOG.log(Level.INFO, "configuration {0}: applied defaults {1}", e.getKey(), describe(e.getValue()));
        }
        return applied;
    }

    /** {betas=[0.5, 0.25], seed=42}: arrays spelled out for the log. */
    static String describe(Dictionary<String, Object> props) {
        StringJoiner out = new StringJoiner(", ", "{", "}");
        for (String key : Collections.list(props.keys())) {
            Object v = props.get(key);
            out.add(key + "=" + (v != null && v.getClass().isArray() ? Arrays.deepToString(new Object[] {v}).replaceAll("^\\[|\\]$", "") : v));
        }
        return out.toString();
    }

    private static Configuration lookup(ConfigurationAdmin admin, String pid) throws IOException {
        int tilde = pid.indexOf('~');
        return tilde < 0
                ? admin.getConfiguration(pid, ANY_LOCATION)
                : admin.getFactoryConfiguration(pid.substring(0, tilde), pid.substring(tilde + 1), ANY_LOCATION);
    }
}
