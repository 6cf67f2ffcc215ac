package io.morphgate.control.mqtt.internal.handler;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
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
 * {@code morphgate.budget}. The policy bundle (feature morphgate-policy) reads it and plans again; its decision goes
 * out on {@code event/policy}. A field that is absent keeps its value, {@code null} removes the limit; no field at
 * all just reads. With {@code model}, the limits are that model's own (stored as {@code model.<id>.<limit>}), which
 * override the gateway's while it serves; without, they are the gateway's, for any model. Replies with the limits
 * set at that level and whether a policy is running to apply them.
 */
public final class BudgetHandler implements CommandHandler {

    public static final String PID = "morphgate.budget";
    static final String LATENCY = "maxLatencyMillis";
    /** Optional: the model whose own limits these are. */
    static final String MODEL = "model";
    static final String[] LONG_LIMITS = {"maxMacs", "maxParams", "maxMemoryBytes"};

    /** Symbolic name of the bundle that applies the budget. */
    public static final String POLICY_BUNDLE = "io.morphgate.policy";

    private final Supplier<Optional<ConfigurationAdmin>> configurationAdmin;
    private final BooleanSupplier policyActive;

    public BudgetHandler(Supplier<Optional<ConfigurationAdmin>> configurationAdmin) {
        this(configurationAdmin, () -> false);
    }

    /** {@code policyActive} tells whether the policy bundle is active to apply the budget. */
    public BudgetHandler(Supplier<Optional<ConfigurationAdmin>> configurationAdmin, BooleanSupplier policyActive) {
        this.configurationAdmin = configurationAdmin;
        this.policyActive = policyActive;
    }

    @Override
    public CompletionStage<Reply> handle(Command command) throws CommandException {
        Arguments args = command.arguments();
        String prefix = args.has(MODEL) ? "model." + args.requiredId(MODEL) + "." : "";
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
            for (String name : limits()) {
                if (args.isNull(name)) {
                    properties.remove(prefix + name);
                } else if (changes.get(name) != null) {
                    properties.put(prefix + name, changes.get(name));
                }
            }
            configuration.updateIfDifferent(properties);
            JsonObject reply = inForce(properties, prefix);
            if (!prefix.isEmpty()) {
                reply.addProperty(MODEL, args.requiredId(MODEL));
            }
            reply.addProperty("policyActive", policyActive.getAsBoolean());
            return CompletableFuture.completedFuture(Reply.ok(command, reply));
        } catch (IOException e) {
            throw new CommandException(ErrorCodes.INTERNAL, "cannot store the budget: " + e.getMessage());
        }
    }

    private static String[] limits() {
        return new String[] {LATENCY, LONG_LIMITS[0], LONG_LIMITS[1], LONG_LIMITS[2]};
    }

    /** The budget as stored; a limit that is not set is {@code null} (no limit). */
    static JsonObject inForce(Dictionary<String, Object> properties) {
        return inForce(properties, "");
    }

    /** The limits stored under {@code prefix} (a model's, or the gateway's with ""); unset is {@code null}. */
    static JsonObject inForce(Dictionary<String, Object> properties, String prefix) {
        JsonObject json = new JsonObject();
        for (String name : limits()) {
            Object value = properties.get(prefix + name);
            if (value instanceof Number n) {
                json.addProperty(name, n);
            } else {
                json.add(name, JsonNull.INSTANCE);
            }
        }
        return json;
    }

    @Override
    public Set<String> fields() {
        Set<String> fields = new java.util.HashSet<>(Set.of(limits()));
        fields.add(MODEL);
        return Set.copyOf(fields);
    }
}
