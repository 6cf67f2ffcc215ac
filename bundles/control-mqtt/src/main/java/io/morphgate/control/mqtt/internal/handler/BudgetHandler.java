package io.morphgate.control.mqtt.internal.handler;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import com.google.gson.JsonNull;
import com.google.gson.JsonObject;

import io.morphgate.control.mqtt.internal.command.Arguments;
import io.morphgate.control.mqtt.internal.command.Command;
import io.morphgate.control.mqtt.internal.command.CommandException;
import io.morphgate.control.mqtt.internal.command.CommandHandler;
import io.morphgate.control.mqtt.internal.command.ErrorCodes;
import io.morphgate.control.mqtt.internal.command.Reply;

/**
 * {@code budget}: sets the limits a configuration must respect, stored in Configuration Admin under PID
 * {@code morphgate.budget} (read by the policy). A field that is absent keeps its value, {@code null} removes the
 * limit; no field at all just reads. Replies with the budget in force.
 */
public final class BudgetHandler implements CommandHandler {

    public static final String PID = "morphgate.budget";
    static final String LATENCY = "maxLatencyMillis";
    static final String[] LONG_LIMITS = {"maxMacs", "maxParams", "maxMemoryBytes"};

    private final Supplier<Optional<ConfigurationAdmin>> configurationAdmin;

    public BudgetHandler(Supplier<Optional<ConfigurationAdmin>> configurationAdmin) {
        this.configurationAdmin = configurationAdmin;
    }

    @Override
    public CompletionStage<Reply> handle(Command command) throws CommandException {
        Arguments args = command.arguments();
        // check every field before touching the stored budget
        Dictionary<String, Object> changes = new Hashtable<>();
        args.optionalPositiveDouble(LATENCY).ifPresent(v -> changes.put(LATENCY, v));
        for (String name : LONG_LIMITS) {
            args.optionalLong(name, 1, Long.MAX_VALUE).ifPresent(v -> changes.put(name, v));
        }
        ConfigurationAdmin cm = configurationAdmin.get().orElseThrow(() -> new CommandException(
                ErrorCodes.UNAVAILABLE, "Configuration Admin is not running; retry the same request id later"));
        try {
            Configuration configuration = cm.getConfiguration(PID, "?");
            Dictionary<String, Object> properties = configuration.getProperties() != null
                    ? configuration.getProperties() : new Hashtable<>();
            for (String name : fields()) {
                if (args.isNull(name)) {
                    properties.remove(name);
                } else if (changes.get(name) != null) {
                    properties.put(name, changes.get(name));
                }
            }
            configuration.updateIfDifferent(properties);
            return CompletableFuture.completedFuture(Reply.ok(command, inForce(properties)));
        } catch (IOException e) {
            throw new CommandException(ErrorCodes.INTERNAL, "cannot store the budget: " + e.getMessage());
        }
    }

    private static String[] fields() {
        return new String[] {LATENCY, LONG_LIMITS[0], LONG_LIMITS[1], LONG_LIMITS[2]};
    }

    /** The budget as stored; a limit that is not set is {@code null} (no limit). */
    static JsonObject inForce(Dictionary<String, Object> properties) {
        JsonObject json = new JsonObject();
        for (String name : fields()) {
            Object value = properties.get(name);
            if (value instanceof Number n) {
                json.addProperty(name, n);
            } else {
                json.add(name, JsonNull.INSTANCE);
            }
        }
        return json;
    }
}
