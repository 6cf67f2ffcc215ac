package io.morphgate.status.page.internal;

import java.io.IOException;
import java.util.Collections;
import java.util.Dictionary;
import java.util.TreeMap;

import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

/**
 * The budget as Configuration Admin holds it (PID {@code morphgate.budget}), listed, never created: a gateway without
 * a budget shows {@code "configured": false}.
 */
final class BudgetSection {

    static final String PID = "morphgate.budget";

    private final ConfigurationAdmin configurationAdmin;

    BudgetSection(ConfigurationAdmin configurationAdmin) {
        this.configurationAdmin = configurationAdmin;
    }

    JsonObject json() {
        JsonObject json = new JsonObject();
        json.addProperty("pid", PID);
        JsonObject limits = new JsonObject();
        boolean configured = false;
        if (configurationAdmin != null) {
            try {
                Configuration[] found = configurationAdmin.listConfigurations("(" + Constants.SERVICE_PID + "=" + PID + ")");
                if (found != null && found.length > 0 && found[0].getProperties() != null) {
                    configured = true;
                    Dictionary<String, Object> properties = found[0].getProperties();
                    TreeMap<String, Object> sorted = new TreeMap<>();
                    for (String key : Collections.list(properties.keys())) {
                        if (!key.startsWith("service.") && !key.startsWith("felix.")) {
                            sorted.put(key, properties.get(key));
                        }
                    }
                    sorted.forEach((k, v) -> limits.add(k, value(v)));
                }
            } catch (IOException | InvalidSyntaxException e) {
                json.addProperty("error", e.toString());
            }
        }
        json.addProperty("configured", configured);
        json.add("limits", limits);
        return json;
    }

    private static JsonElement value(Object v) {
        if (v == null) {
            return JsonNull.INSTANCE;
        }
        if (v instanceof Number n) {
            return new JsonPrimitive(n);
        }
        if (v instanceof Boolean b) {
            return new JsonPrimitive(b);
        }
        return new JsonPrimitive(String.valueOf(v));
    }
}
